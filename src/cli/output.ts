/** Shared output options: `-o table|json|yaml` for the commands that report data. */
import { Option } from 'commander';
import { stringify } from 'yaml';

export const outputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(outputFormats).default('table');
}

export function accessOption(): Option {
  return new Option('--access <path>', 'the access file').default('kentra.yaml');
}

export function renderData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data, { lineWidth: 0 });
}

/** How long until an RFC 3339 time, for tables: "in 42m", "in 3h", or "expired". */
export function timeUntil(time: string, now: number): string {
  const minutes = Math.round((Date.parse(time) - now) / 60_000);
  return minutes <= 0 ? 'expired' : minutes < 120 ? `in ${minutes}m` : `in ${Math.round(minutes / 60)}h`;
}
