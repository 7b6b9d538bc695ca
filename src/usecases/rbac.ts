/**
 * The flow behind `kentra rbac plan|apply|prune`: plan against the cluster
 * and Entra, then (apply/prune) execute the plan. The clients come from the
 * caller (src/cli/rbac.ts wires them).
 */
import type { GraphClient } from '../adapters/graph/client.js';
import type { KubeClient } from '../adapters/kube/client.js';
import type { Change, Plan } from '../domain/bindings/plan.js';
import type { LoadedAccessFile } from './load-access.js';
import { type ApplyResult, applyPlan } from './rbac-apply.js';
import { planRbac } from './rbac-plan.js';

export interface RbacOptions {
  cluster?: string;
  mode: 'plan' | 'apply' | 'prune';
  prune: boolean;
  /** apply: only compute the manifests, write nothing. */
  dryRun: boolean;
}

export interface RbacDeps {
  kube: Pick<KubeClient, 'list' | 'apply' | 'delete' | 'request'>;
  graph?: GraphClient;
  now: () => number;
  progress: (line: string) => void;
}

export interface RbacResult {
  plan: Plan;
  warnings: string[];
  applied?: ApplyResult;
}

export async function runRbac(
  access: LoadedAccessFile,
  options: RbacOptions,
  deps: RbacDeps,
): Promise<RbacResult> {
  const prune = options.mode === 'prune' || options.prune;
  const { plan: full, warnings } = await planRbac(
    access,
    { cluster: options.cluster, prune },
    { kube: deps.kube, graph: deps.graph, now: deps.now() },
  );
  // `rbac prune` only removes; creating and updating is apply's job.
  const plan = options.mode === 'prune' ? onlyRemovals(full) : full;
  if (options.mode === 'plan' || options.dryRun || plan.empty) return { plan, warnings };
  const applied = await applyPlan(plan, deps.kube, deps.progress);
  return { plan, warnings, applied };
}

function onlyRemovals(plan: Plan): Plan {
  const changes = plan.changes.filter(
    (change: Change) => change.action === 'delete' || change.action === 'unchanged',
  );
  const summary = { create: 0, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 0 };
  for (const change of changes) summary[change.action]++;
  return { cluster: plan.cluster, changes, summary, empty: summary.delete === 0 };
}
