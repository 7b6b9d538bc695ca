import { Command, CommanderError } from 'commander';
import { terminalText } from '../adapters/render/terminal-text.js';
import { composeRoot } from '../composition/root.js';
import { asKentraError, type KentraError } from '../errors.js';
import type { CliContext } from '../ports/cli-context.js';
import { VERSION } from '../version.js';
import { registerCommands } from './commands.js';
import { findCommand, unknownCommandMessage, unknownFlagMessage } from './unknown-input.js';

/**
 * Runs one kentra invocation and returns its exit status. Never exits the
 * process itself (only src/bin does), so tests call it in-process.
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  // Checked before parsing: commander would let a --help after an unknown name print the top-level help.
  const found = findCommand(program, argv);
  if (found.unknown !== undefined) {
    ctx.stderr.write(unknownCommandMessage(found.command, found.unknown));
    return 1;
  }
  try {
    await program.parseAsync(helpAsFlag(argv), { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const flag = error.code === 'commander.unknownOption' && /'([^']+)'/.exec(error.message)?.[1];
      if (flag) ctx.stderr.write(unknownFlagMessage(found.command, flag));
      // --help and --version arrive here too, with exit code 0.
      return error.exitCode;
    }
    const failure = asKentraError(error);
    ctx.stderr.write(formatError(failure, ctx.env.KENTRA_DEBUG === '1'));
    return failure.exitCode;
  }
}

/**
 * `kentra help rbac plan` asks what `kentra rbac plan --help` answers; commander's help command reads
 * only the word after it, and would show the `rbac` group instead.
 */
function helpAsFlag(argv: readonly string[]): string[] {
  return argv[0] === 'help' && argv.length > 2 ? [...argv.slice(1), '--help'] : [...argv];
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('kentra')
    .description('Access to Kubernetes through Microsoft Entra ID, from the identity provider to kubeconfig.')
    .version(VERSION, '-V, --version', 'print the kentra version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    // A command's options belong to it alone (kubectl's rule): `kentra kubeconfig convert --kubeconfig F`
    // gives F to convert, not to `kentra kubeconfig`, which has a --kubeconfig of its own.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // main() words unknown flags as kubectl does (unknown-input.ts).
      outputError: (text, write) => {
        if (!text.startsWith('error: unknown option')) write(text);
      },
    })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nEvery command reads ./kentra.yaml unless given --access PATH. Run `kentra help <command>` for details.',
  );
  registerCommands(program, composeRoot(ctx));
  // Subcommands inherit the output and exit behaviour of the root.
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/**
 * An error for a person. Messages quote files, servers and Entra: every control but the line break is
 * escaped, and every further line is indented, so no value can start a line that looks like kentra's.
 */
export function formatError(error: KentraError, debug: boolean): string {
  let text = `kentra: error [${error.code}]: ${indented(error.message)}\n`;
  if (error.hint) text += `  hint: ${indented(error.hint)}\n`;
  if (debug && error.cause instanceof Error && error.cause.stack)
    text += `  cause: ${terminalText(error.cause.stack)}\n`;
  return text;
}

function indented(text: string): string {
  return terminalText(text).replace(/\n(?!\s)/g, '\n  ');
}
