/**
 * What converting one kubeconfig user to `kentra get-token` gives: the
 * settings for kentra's exec entry and notes on what could not be carried
 * over, or the reason it was left as it was. Notes and reasons name flags,
 * never their values (a value may be a secret).
 */
import type { GetTokenSettings } from './get-token-settings.js';
import type { PluginArgs } from './plugin-args.js';

export interface Conversion {
  /** What the user ran before. */
  from: 'azure-auth-provider' | 'azure-kubelogin' | 'oidc-login';
  /** Its login mode or grant type. */
  mode: string;
  settings: GetTokenSettings;
  notes: string[];
}

export interface NotConverted {
  reason: string;
}

/** Values given to `kentra kubeconfig convert` that win over the entry's own. */
export interface ConvertOverrides {
  tenant?: string;
  clientId?: string;
  authority?: string;
}

export function isConversion(result: Conversion | NotConverted): result is Conversion {
  return 'settings' in result;
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => String(item ?? '')) : [];
}

/** Notes for the flags of an entry that kentra leaves out: secrets first, then the ones it has no use for. */
export function leftOutNotes(
  parsed: PluginArgs,
  secrets: readonly string[],
  ignored: readonly string[],
  secretHint: string,
): string[] {
  const notes: string[] = [];
  for (const name of secrets)
    if (parsed.values.has(name))
      notes.push(`--${name} dropped: kentra never keeps a secret in the kubeconfig (${secretHint})`);
  const unused = ignored.filter((name) => parsed.values.has(name)).map((name) => `--${name}`);
  if (unused.length > 0) notes.push(`left out (no kentra equivalent): ${unused.join(', ')}`);
  if (parsed.unknown.length > 0) notes.push(`unknown flags left out: ${parsed.unknown.join(', ')}`);
  return notes;
}

/** `table[key]` when the table itself has it: `-l constructor` is no mode (no inherited names). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
