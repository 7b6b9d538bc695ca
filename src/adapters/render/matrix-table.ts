/**
 * The access matrix for a terminal: one aligned line per subject, scope and
 * set of verbs, listing the resources that share those verbs (a cluster admin
 * is one line, not fifty). Names are escaped and columns bounded (./terminal-text.ts).
 */
import type { AccessMatrix } from '../../domain/rbac/matrix.js';
import { matrixRecords, subjectLabel, verbSummary } from './matrix-records.js';
import { fitCell } from './terminal-text.js';

export function renderMatrixTable(matrix: AccessMatrix): string {
  const grouped = new Map<string, string[]>();
  for (const record of matrixRecords(matrix)) {
    const key = JSON.stringify([
      subjectLabel(record.subject),
      record.subject.kind,
      record.scope,
      verbSummary(record),
    ]);
    const resources = grouped.get(key);
    if (resources) resources.push(record.resource);
    else grouped.set(key, [record.resource]);
  }
  if (grouped.size === 0) return 'No subject has any access.\n';
  const rows = [...grouped].map(([key, resources]) => [
    ...(JSON.parse(key) as string[]),
    resources.join(', '),
  ]);
  return alignColumns([['SUBJECT', 'KIND', 'SCOPE', 'VERBS', 'RESOURCES'], ...rows]);
}

/** The list of resources may be long; it is the last column, so it only wraps, never pushes others. */
const lastColumnWidth = 2000;

function alignColumns(rows: readonly (readonly string[])[]): string {
  const lines = rows.map((row) =>
    row.map((cell, index) => fitCell(cell, index === row.length - 1 ? lastColumnWidth : undefined)),
  );
  const widths: number[] = [];
  for (const line of lines)
    line.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  const text = lines.map((line) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  '),
  );
  return `${text.join('\n')}\n`;
}
