/**
 * The flow behind `kentra rbac plan|apply|prune`: load the file, connect to
 * the cluster and to Graph, plan, and (apply/prune) execute the plan.
 */
import { join } from 'node:path';
import type { Files } from '../adapters/files.js';
import { type FetchLike, GraphClient } from '../adapters/graph/client.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { KubeClient } from '../adapters/kube/client.js';
import { loadKubeConnection } from '../adapters/kube/kubeconfig.js';
import type { Change, Plan } from '../domain/bindings/plan.js';
import { loadAccessFile } from './load-access.js';
import { type ApplyResult, applyPlan } from './rbac-apply.js';
import { planRbac } from './rbac-plan.js';

export interface RbacOptions {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  mode: 'plan' | 'apply' | 'prune';
  prune: boolean;
  /** apply: only compute the manifests, write nothing. */
  dryRun: boolean;
}

export interface RbacIo {
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  progress: (line: string) => void;
  fetch?: FetchLike;
  files: Pick<Files, 'readText'>;
}

export interface RbacResult {
  plan: Plan;
  warnings: string[];
  applied?: ApplyResult;
}

export async function runRbac(options: RbacOptions, io: RbacIo): Promise<RbacResult> {
  const access = await loadAccessFile(options.access, io.files.readText);
  const { file } = access;
  const token = io.env.KENTRA_GRAPH_TOKEN;
  let graph: GraphClient | undefined;
  if (token) {
    const caFile = file.tenant.certificateAuthorityFile;
    const fetch =
      io.fetch ??
      (caFile
        ? fetchTrusting(await io.files.readText(access.resolvePath(caFile)))
        : (globalThis.fetch as FetchLike));
    graph = new GraphClient({
      baseUrl: file.tenant.graph,
      fetch,
      accessToken: async () => token,
      onRetry: ({ status, delayMs, path }) =>
        io.progress(`Graph answered ${status} for ${path}; retrying in ${(delayMs / 1000).toFixed(1)}s`),
    });
  }
  const clusterSpec =
    file.clusters.find((cluster) => cluster.name === options.cluster) ??
    (file.clusters.length === 1 ? file.clusters[0] : undefined);
  const kubeconfig =
    options.kubeconfig ?? io.env.KUBECONFIG?.split(':')[0] ?? join(io.env.HOME ?? '.', '.kube', 'config');
  const connection = await loadKubeConnection(kubeconfig, options.context ?? clusterSpec?.context);
  const kube = new KubeClient(connection);
  try {
    const prune = options.mode === 'prune' || options.prune;
    const { plan: full, warnings } = await planRbac(
      access,
      { cluster: options.cluster, prune },
      { kube, graph, now: io.now() },
    );
    // `rbac prune` only removes; creating and updating is apply's job.
    const plan = options.mode === 'prune' ? onlyRemovals(full) : full;
    if (options.mode === 'plan' || options.dryRun || plan.empty) return { plan, warnings };
    const applied = await applyPlan(plan, kube, io.progress);
    return { plan, warnings, applied };
  } finally {
    kube.close();
  }
}

function onlyRemovals(plan: Plan): Plan {
  const changes = plan.changes.filter(
    (change: Change) => change.action === 'delete' || change.action === 'unchanged',
  );
  const summary = { create: 0, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 0 };
  for (const change of changes) summary[change.action]++;
  return { cluster: plan.cluster, changes, summary, empty: summary.delete === 0 };
}
