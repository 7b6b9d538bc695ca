/** The access matrix for scripts: subjects with their Entra identity, and per scope the access per resource. */
import type { AccessMatrix } from '../../domain/rbac/matrix.js';
import { resourceLabel } from '../../domain/rbac/resource-catalog.js';
import { clusterWide } from './matrix-records.js';

export function matrixJson(matrix: AccessMatrix, source: string): unknown {
  const labels = matrix.resources.map(resourceLabel);
  return {
    source,
    verbs: matrix.verbs,
    resources: matrix.resources.map((resource, index) => ({ name: labels[index], ...resource })),
    rows: matrix.rows.map((row) => {
      const subject = matrix.subjects[row.subject];
      const access: Record<string, unknown> = {};
      row.cells.forEach((cell, index) => {
        if (!cell) return;
        access[labels[index] as string] = {
          verbs: cell.verbs,
          ...(cell.anyVerb ? { anyVerb: true } : {}),
          ...(Object.keys(cell.limited).length > 0 ? { limitedToNames: cell.limited } : {}),
        };
      });
      return {
        subject: {
          kind: subject?.kind,
          name: subject?.name,
          displayName: subject?.displayName,
          ...(subject?.entraId ? { entraId: subject.entraId } : {}),
          ...(subject?.userPrincipalName ? { userPrincipalName: subject.userPrincipalName } : {}),
          groups: subject?.user.groups,
        },
        scope: row.scope === '' ? clusterWide : row.scope,
        access,
        ...(Object.keys(row.nonResourceURLs).length > 0 ? { nonResourceURLs: row.nonResourceURLs } : {}),
      };
    }),
  };
}
