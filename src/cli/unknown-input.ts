/**
 * Unknown commands and flags, answered as kubectl (cobra) answers them: a
 * non-zero exit, `unknown command "x" for "kentra"` or `unknown flag: --x`, a
 * suggestion when one is close, and where to read the usage. commander on its
 * own prints the top-level help and exits 0 for `kentra elevate --help`
 * (--help wins over the unknown name), which tells a script that `elevate`
 * exists.
 */
import type { Command } from 'commander';
import { didYouMean } from '../domain/config-check/suggest.js';

/** The command a word list names, and the first word that names no command, if any. */
export function findCommand(
  program: Command,
  argv: readonly string[],
): { command: Command; unknown?: string } {
  let command = program;
  let words = [...argv];
  // `kentra help a b` asks about `kentra a b`.
  if (words[0] === 'help') words = words.slice(1);
  for (const word of words) {
    if (word.startsWith('-') || command.commands.length === 0) break;
    const next = command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
    if (!next) return { command, unknown: word };
    command = next;
  }
  return { command };
}

export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

export function unknownCommandMessage(parent: Command, word: string): string {
  const names = parent.commands.map((sub) => sub.name());
  const suggestion = didYouMean(word, names);
  const path = commandPath(parent);
  return (
    `error: unknown command "${word}" for "${path}"\n` +
    (suggestion ? `\nDid you mean this?\n\t${suggestion}\n` : '') +
    `\nRun '${path} --help' for usage.\n`
  );
}

/** The flags `command` accepts, its ancestors' included (commander looks them up the same way). */
export function unknownFlagMessage(command: Command, flag: string): string {
  const known: string[] = [];
  for (let at: Command | null = command; at; at = at.parent)
    for (const option of at.options) if (option.long) known.push(option.long);
  const name = flag.split('=')[0] ?? flag;
  const suggestion = name.startsWith('--') ? didYouMean(name, known) : undefined;
  return (
    `error: unknown flag: ${name}\n` +
    (suggestion ? `\nDid you mean this?\n\t${suggestion}\n\n` : '') +
    `See '${commandPath(command)} --help' for usage.\n`
  );
}
