/** The access matrix as CSV (RFC 4180, formula cells neutralised: ./csv.ts): one record per subject, scope and resource. */
import type { AccessMatrix } from '../../domain/rbac/matrix.js';
import { csvRecord } from './csv.js';
import { matrixRecords } from './matrix-records.js';

const columns = [
  'subject',
  'kind',
  'kubernetes_name',
  'entra_id',
  'scope',
  'resource',
  'verbs',
  'any_verb',
  'limited_to_names',
];

export function renderMatrixCsv(matrix: AccessMatrix): string {
  const lines = [columns.join(',')];
  for (const record of matrixRecords(matrix)) {
    const limited = Object.entries(record.limited).map(([verb, names]) => `${verb}:${names.join('|')}`);
    lines.push(
      csvRecord([
        record.subject.displayName,
        record.subject.kind,
        record.subject.name,
        record.subject.entraId ?? '',
        record.scope,
        record.resource,
        record.verbs.join(' '),
        record.anyVerb ? 'true' : 'false',
        limited.join(' '),
      ]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
