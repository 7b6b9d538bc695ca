/**
 * Audience separation between clusters (#14.7). Every cluster that accepts
 * the same audience accepts the same tokens: a token captured at a staging
 * cluster (by an operator, a log pipeline, a webhook there) then works in
 * production. Clusters of one environment may share; clusters of different
 * environments should not. A cluster without an environment counts as an
 * environment of its own once any cluster names one: it accepts `app`'s
 * client ID, and an environment that names that ID as its audience shares it.
 */
import { clusterAudiences } from '../identity/from-access-file.js';
import type { AccessFile, ClusterSpec } from './model.js';

const label = (cluster: ClusterSpec) => `${cluster.name} (${cluster.environment ?? 'no environment'})`;

export function sharedAudienceWarnings(file: AccessFile): string[] {
  if (file.clusters.every((cluster) => cluster.environment === undefined)) return [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const accepted = (cluster: ClusterSpec) =>
    clusterAudiences(file, file.app.clientId, cluster).map((audience) => audience.toLowerCase());
  for (const [i, a] of file.clusters.entries())
    for (const b of file.clusters.slice(i + 1)) {
      if (a.environment === b.environment) continue;
      const theirs = accepted(b);
      const shared = accepted(a).filter((audience) => theirs.includes(audience));
      const key = JSON.stringify([a.environment ?? null, b.environment ?? null].sort());
      if (shared.length === 0 || seen.has(key)) continue;
      seen.add(key);
      warnings.push(
        `clusters ${label(a)} and ${label(b)} accept the same audience ${shared.join(', ')}: a token captured at one works at the other; give each cluster an environment and remove their audience: \`kentra entra setup\` gives each environment an app (an audience) of its own`,
      );
    }
  return warnings;
}
