/**
 * Audience separation between clusters (#14.7). Every cluster that accepts
 * the same audience accepts the same tokens: a token captured at a staging
 * cluster (by an operator, a log pipeline, a webhook there) then works in
 * production. Clusters of one environment may share; clusters of different
 * environments should not.
 */
import { clusterAudiences } from '../identity/from-access-file.js';
import type { AccessFile } from './model.js';

export function sharedAudienceWarnings(file: AccessFile): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const clusters = file.clusters.filter((cluster) => cluster.environment !== undefined);
  for (const [i, a] of clusters.entries())
    for (const b of clusters.slice(i + 1)) {
      if (a.environment === b.environment) continue;
      const shared = clusterAudiences(file, file.app.clientId, a).filter((audience) =>
        clusterAudiences(file, file.app.clientId, b).includes(audience),
      );
      const key = [a.environment, b.environment].sort().join('/');
      if (shared.length === 0 || seen.has(key)) continue;
      seen.add(key);
      warnings.push(
        `clusters ${a.name} (${a.environment}) and ${b.name} (${b.environment}) accept the same audience ${shared.join(', ')}: a token captured at one works at the other; remove their audience and run \`kentra entra setup\`, which gives each environment an app (an audience) of its own`,
      );
    }
  return warnings;
}
