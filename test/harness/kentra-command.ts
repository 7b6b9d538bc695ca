/**
 * The kentra command an e2e test runs: the Node entry (`node dist/bin/kentra.js`)
 * or the compiled single-file executable for this machine (scripts/release/).
 *
 * test/run.ts runs every test file that imports this module twice, once with
 * KENTRA_TEST_COMMAND=node and once with KENTRA_TEST_COMMAND=binary (also a file
 * that imports a test/harness module which imports this one). To put a new e2e
 * file under both, import `kentra` from here and run kentra only through it:
 * `kentra.run(args)`, `kentra.start(...)` for a server, `spawn(...kentra.command(args))`
 * where a raw child is needed, `kentra.executable` for a kubeconfig's exec command.
 * Nothing else is needed. A file run on its own uses the Node entry unless
 * KENTRA_TEST_COMMAND says otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostBinary } from '../../scripts/release/host-binary.js';
import { type Daemon, type RunResult, run, startDaemon } from './processes.js';

export type KentraCommandName = 'node' | 'binary';
export const kentraCommandNames: readonly KentraCommandName[] = ['node', 'binary'];

/** Selects the command in a test process; test/run.ts sets it per run. */
export const commandEnvVar = 'KENTRA_TEST_COMMAND';
/** The binary test/run.ts already built, so test files do not hash the sources again. */
export const binaryEnvVar = 'KENTRA_TEST_BINARY';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const nodeEntry = join(repoRoot, 'dist/bin/kentra.js');

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Sees stderr as it arrives (to answer a prompt), besides the capture. */
  onStderr?: (text: string) => void;
}

export interface KentraCommand {
  readonly name: KentraCommandName;
  /** One executable path for the places that take no arguments: a kubeconfig's exec command. */
  readonly executable: string;
  /** Program and leading arguments that run kentra. */
  readonly argv: readonly string[];
  /** [program, arguments] for `kentra ...args`, as spawn() takes them. */
  command(args: readonly string[]): [string, string[]];
  /** Runs `kentra ...args` to completion (env defaults to this process's). */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a long-running kentra (the webhook, the emulator), its output in `logPath`. */
  start(name: string, args: readonly string[], logPath: string, options?: RunOptions): Daemon;
}

function command(name: KentraCommandName, argv: readonly string[], executable: string): KentraCommand {
  const [program = '', ...leading] = argv;
  const present = () => {
    if (!existsSync(executable))
      throw new Error(`${executable} is missing: run \`npm run build\` first (npm test does)`);
  };
  return {
    name,
    executable,
    argv,
    command: (args) => {
      present();
      return [program, [...leading, ...args]];
    },
    run: (args, options = {}) => {
      present();
      return run(program, [...leading, ...args], options);
    },
    start: (label, args, logPath, options = {}) => {
      present();
      return startDaemon(label, program, [...leading, ...args], logPath, options);
    },
  };
}

export async function kentraCommand(name: KentraCommandName): Promise<KentraCommand> {
  if (name === 'node') return command('node', [process.execPath, nodeEntry], nodeEntry);
  const binary =
    process.env[binaryEnvVar] ?? (await hostBinary((line) => console.error(`[kentra-command] ${line}`)));
  return command('binary', [binary], binary);
}

function selected(): KentraCommandName {
  const value = process.env[commandEnvVar] ?? 'node';
  if (!kentraCommandNames.includes(value as KentraCommandName))
    throw new Error(`${commandEnvVar}=${value}: expected one of ${kentraCommandNames.join(', ')}`);
  return value as KentraCommandName;
}

/** The command this test process runs kentra with. */
export const kentra: KentraCommand = await kentraCommand(selected());
