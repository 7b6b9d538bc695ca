/**
 * Reads another credential plugin's `exec.args` the way that plugin reads
 * them. Azure/kubelogin and int128/kubelogin are Go programs with spf13/pflag
 * flags: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`;
 * a boolean is `--name` or `--name=false`; a value flag takes the next
 * argument whatever it looks like; the last value of a plain flag wins; `--`
 * ends the flags. Flags the table does not know are reported by name (never
 * with their value, which may be a secret) so a conversion can say what it left out.
 */
export type FlagKind = 'value' | 'bool' | 'list' | 'csv-list';

export interface FlagTable {
  flags: Readonly<Record<string, FlagKind>>;
  /** One-letter shorthands: `l` -> `login`. */
  short?: Readonly<Record<string, string>>;
}

export interface PluginArgs {
  /** Every value given per flag, in order (a boolean as "true"/"false"). */
  values: Map<string, string[]>;
  positionals: string[];
  /** Names of flags the table does not know (`--foo`, `-x`). */
  unknown: string[];
}

export function parsePluginArgs(args: readonly string[], table: FlagTable): PluginArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const unknown: string[] = [];
  // Own properties only: `--constructor` is an unknown flag, not Object's.
  const kindOf = (name: string) => (Object.hasOwn(table.flags, name) ? table.flags[name] : undefined);
  const shortName = (letter: string) =>
    table.short && Object.hasOwn(table.short, letter) ? table.short[letter] : undefined;
  const put = (name: string, value: string) => {
    const kind = kindOf(name);
    const parts = kind === 'csv-list' ? value.split(',').filter((part) => part !== '') : [value];
    const list = values.get(name) ?? [];
    values.set(name, kind === 'value' || kind === 'bool' ? [parts.at(-1) ?? value] : [...list, ...parts]);
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    const short = long ? undefined : /^-([^-])(?:=?([\s\S]+))?$/.exec(arg);
    const match = long ?? short;
    if (!match) {
      positionals.push(arg);
      continue;
    }
    const name = long ? (match[1] as string) : (shortName(match[1] as string) ?? `-${match[1]}`);
    const kind = kindOf(name);
    if (kind === undefined) {
      unknown.push(long ? `--${name}` : name);
      continue;
    }
    const inline = match[2];
    if (kind === 'bool') put(name, inline ?? 'true');
    else if (inline !== undefined) put(name, inline);
    else if (index + 1 < args.length) put(name, args[++index] as string);
  }
  return { values, positionals, unknown };
}

/** The value of a plain flag (the last one given). */
export function lastValue(parsed: PluginArgs, name: string): string | undefined {
  return parsed.values.get(name)?.at(-1);
}

export function isTrue(parsed: PluginArgs, name: string): boolean {
  return lastValue(parsed, name) === 'true';
}
