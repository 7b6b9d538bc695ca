/**
 * The access matrix as flat records, one per (subject, scope, resource) with
 * any access: the shared shape of the table, CSV and JSON outputs.
 */
import type { AccessMatrix, MatrixCell } from '../../domain/rbac/matrix.js';
import type { MatrixSubject } from '../../domain/rbac/matrix-subjects.js';
import { resourceLabel } from '../../domain/rbac/resource-catalog.js';

export interface MatrixRecord {
  readonly subject: MatrixSubject;
  /** "cluster-wide" or a namespace. */
  readonly scope: string;
  /** `pods`, `deployments.apps/scale`, or a non-resource URL such as `/healthz`. */
  readonly resource: string;
  readonly verbs: readonly string[];
  readonly anyVerb: boolean;
  readonly limited: Readonly<Record<string, readonly string[]>>;
}

export const clusterWide = 'cluster-wide';

export function matrixRecords(matrix: AccessMatrix): MatrixRecord[] {
  const labels = matrix.resources.map(resourceLabel);
  const records: MatrixRecord[] = [];
  for (const row of matrix.rows) {
    const subject = matrix.subjects[row.subject] as MatrixSubject;
    const scope = row.scope === '' ? clusterWide : row.scope;
    row.cells.forEach((cell, index) => {
      if (cell) records.push({ subject, scope, resource: labels[index] as string, ...cellFields(cell) });
    });
    const urlsByVerb = new Map<string, string[]>();
    for (const [verb, urls] of Object.entries(row.nonResourceURLs))
      for (const url of urls) urlsByVerb.set(url, [...(urlsByVerb.get(url) ?? []), verb]);
    for (const [url, verbs] of [...urlsByVerb].sort(([a], [b]) => a.localeCompare(b)))
      records.push({ subject, scope, resource: url, verbs, anyVerb: verbs.includes('*'), limited: {} });
  }
  return records;
}

function cellFields(cell: MatrixCell) {
  return { verbs: cell.verbs, anyVerb: cell.anyVerb, limited: cell.limited };
}

/** `get,list,watch`, `*` for any verb, and `get(app-config,tls)` for name-limited grants. */
export function verbSummary(record: Pick<MatrixRecord, 'verbs' | 'anyVerb' | 'limited'>): string {
  const parts = record.anyVerb ? ['*'] : [...record.verbs];
  for (const [verb, names] of Object.entries(record.limited)) parts.push(`${verb}(${names.join(',')})`);
  return parts.join(',');
}

/** What people call the subject, with the UPN for users. */
export function subjectLabel(subject: MatrixSubject): string {
  return subject.userPrincipalName
    ? `${subject.displayName} <${subject.userPrincipalName}>`
    : subject.displayName;
}
