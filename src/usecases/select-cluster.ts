/** Picks the cluster a command works on: --cluster NAME, or the only one in the file. */

import type { AccessFile, ClusterSpec } from '../domain/access/model.js';
import { didYouMeanSuffix } from '../domain/config-check/suggest.js';
import { KentraError } from '../errors.js';

export function selectCluster(file: AccessFile, name: string | undefined): ClusterSpec {
  const names = file.clusters.map((cluster) => cluster.name);
  if (name === undefined) {
    const [only, ...more] = file.clusters;
    if (only && more.length === 0) return only;
    throw new KentraError('usage', `the access file declares ${names.length} clusters; say which one`, {
      hint: `Pass --cluster with one of: ${names.join(', ')}.`,
    });
  }
  const cluster = file.clusters.find((candidate) => candidate.name === name);
  if (!cluster)
    throw new KentraError(
      'usage',
      `no cluster named "${name}" in the access file${didYouMeanSuffix(name, names)}`,
      {
        hint: `Clusters in the file: ${names.join(', ')}.`,
      },
    );
  return cluster;
}
