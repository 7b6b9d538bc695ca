import { describeGroupChange } from '../../domain/audit/group-change.js';
import type { TrailRecord } from '../../domain/audit/trail-record.js';
import { displayValue, fitCell } from '../render/terminal-text.js';
import type { BufferedOutput } from './buffered-output.js';
import type { TrailWriter } from './trail-writer.js';

/**
 * `-o table`: one aligned row per record, written as it comes (fixed column
 * widths, so nothing is held back). Every value from the log or Entra is
 * escaped and cut to its column (../render/terminal-text.ts). Colour only on a terminal and never when
 * NO_COLOR is set (https://no-color.org).
 */
export interface TableOptions {
  colour: boolean;
}

const columns = [
  { title: 'TIME', width: 19 },
  { title: 'USER', width: 26 },
  { title: 'VERB', width: 9 },
  { title: 'RESOURCE', width: 38 },
  { title: 'RESULT', width: 10 },
  { title: 'FROM', width: 15 },
  { title: 'SIGN-IN', width: 14 },
  { title: 'GRANTED BY', width: 80 },
] as const;

const ansi = {
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
};
const reset = '\u001b[0m';

export function tableWriter(out: BufferedOutput, options: TableOptions): TrailWriter {
  const paint = (colour: keyof typeof ansi, text: string) =>
    options.colour ? `${ansi[colour]}${text}${reset}` : text;
  let headed = false;
  const head = () => {
    if (headed) return;
    headed = true;
    out.write(`${paint('dim', row(columns.map((column) => column.title)))}\n`);
  };
  return {
    request(record) {
      head();
      const cells = cellsOf(record);
      const painted = cells.map((cell, index) => padCell(cell, columns[index]?.width ?? 0));
      painted[4] = paint(record.what.decision === 'forbid' ? 'red' : 'green', painted[4] ?? '');
      if (record.join.method === 'heuristic') painted[6] = paint('yellow', painted[6] ?? '');
      out.write(`${painted.join('  ').trimEnd()}\n`);
    },
    elevation(event) {
      head();
      out.write(`${padCell(shortTime(event.time), 19)}  ${paint('yellow', event.summary)}\n`);
    },
    groupChange(change) {
      head();
      out.write(
        `${padCell(shortTime(change.time), 19)}  ${paint('cyan', `group change: ${displayValue(describeGroupChange(change))}`)}\n`,
      );
    },
    end(summary) {
      if (summary.written === 0) out.write('(no audit events matched)\n');
    },
  };
}

function cellsOf(record: TrailRecord): string[] {
  const what = record.what;
  const resource = [
    what.namespace,
    what.subresource ? `${what.resource}/${what.subresource}` : what.resource,
    what.name,
  ]
    .filter(Boolean)
    .join('/');
  const granted = what.grantedBy;
  const elevated = what.elevation
    ? ` elevated${what.elevation.justification ? `: ${what.elevation.justification}` : ''}${what.elevation.approvedBy ? `, approved by ${what.elevation.approvedBy}` : ''}`
    : '';
  const via = granted
    ? `${granted.groupName ?? granted.subject} (${granted.bindingKind === 'RoleBinding' ? 'rb' : 'crb'} ${granted.binding})${elevated}`
    : '';
  const join = record.join;
  const signIn =
    join.method === 'none'
      ? '-'
      : join.method === 'heuristic'
        ? `heuristic ${join.confidence.toFixed(2)}`
        : `exact ${join.method}`;
  return [
    shortTime(record.time),
    record.who.upn ?? record.who.username ?? '?',
    what.verb ?? '?',
    resource || what.requestUri || '',
    `${what.decision === 'forbid' ? 'DENY' : what.decision === 'allow' ? 'allow' : ''} ${what.responseCode ?? ''}`.trim(),
    record.from.signInIp ?? record.from.sourceIp ?? '',
    signIn,
    via,
  ];
}

function row(cells: readonly string[]): string {
  return cells
    .map((cell, index) => padCell(cell, columns[index]?.width ?? 0))
    .join('  ')
    .trimEnd();
}

function padCell(text: string, width: number): string {
  return fitCell(text, width).padEnd(width);
}

/** "2026-11-29T04:05:06.123456Z" -> "2026-11-29 04:05:06" (UTC, as the log says). */
function shortTime(time: string): string {
  return time.length >= 19 ? `${time.slice(0, 10)} ${time.slice(11, 19)}` : time;
}
