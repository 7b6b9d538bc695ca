/**
 * `kentra rbac apply` / `prune`: execute a plan. All-or-nothing as far as
 * Kubernetes allows: the file, the groups, namespaces and roles were checked
 * while planning; then every write is tried as a server-side dry run; only if
 * all of them pass is anything written (server-side apply under the field
 * manager "kentra"; deletes only of kentra-managed bindings).
 */
import type { KubeClient } from '../adapters/kube/client.js';
import { type BindingObject, fieldManager } from '../domain/bindings/binding.js';
import type { Change, Plan } from '../domain/bindings/plan.js';
import { KentraError } from '../errors.js';

const rbac = '/apis/rbac.authorization.k8s.io/v1';

export function bindingPath(object: Pick<BindingObject, 'kind' | 'metadata'>): string {
  const name = encodeURIComponent(object.metadata.name);
  return object.kind === 'ClusterRoleBinding'
    ? `${rbac}/clusterrolebindings/${name}`
    : `${rbac}/namespaces/${object.metadata.namespace ?? ''}/rolebindings/${name}`;
}

export interface ApplyResult {
  applied: string[];
  deleted: string[];
}

type Kube = Pick<KubeClient, 'apply' | 'request'>;

function writes(plan: Plan) {
  const deletes: BindingObject[] = [];
  const applies: BindingObject[] = [];
  for (const change of plan.changes as Change[]) {
    if (change.action === 'delete') deletes.push(change.current);
    if (change.action === 'replace') deletes.push(change.current);
    if (change.action === 'create' || change.action === 'update' || change.action === 'replace')
      applies.push(change.desired);
  }
  return { deletes, applies };
}

export async function applyPlan(
  plan: Plan,
  kube: Kube,
  progress: (line: string) => void = () => {},
): Promise<ApplyResult> {
  const { deletes, applies } = writes(plan);
  const label = (object: BindingObject) =>
    `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  // Pre-flight: the API server checks every write without persisting it.
  try {
    for (const object of deletes)
      await kube.request('DELETE', bindingPath(object), { query: { dryRun: 'All' } });
    const replaced = new Set(deletes.map((object) => bindingPath(object)));
    for (const object of applies)
      if (!replaced.has(bindingPath(object)))
        await kube.apply(bindingPath(object), object, fieldManager, { dryRun: true });
  } catch (cause) {
    throw new KentraError(
      'rbac.apply',
      `the API server refused a change in the dry run; nothing was changed: ${(cause as Error).message}`,
      {
        cause,
        hint: 'kentra needs create/patch/delete on (cluster)rolebindings and may only grant what it holds (RBAC escalation rules).',
      },
    );
  }
  const result: ApplyResult = { applied: [], deleted: [] };
  try {
    for (const object of deletes) {
      await kube.request('DELETE', bindingPath(object));
      result.deleted.push(label(object));
      progress(`deleted ${label(object)}`);
    }
    for (const object of applies) {
      await kube.apply(bindingPath(object), object, fieldManager);
      result.applied.push(label(object));
      progress(`applied ${label(object)}`);
    }
  } catch (cause) {
    throw new KentraError(
      'rbac.apply',
      `applying stopped after ${result.applied.length + result.deleted.length} change(s): ${(cause as Error).message}`,
      {
        cause,
        hint: 'The plan is idempotent: fix the cause and run `kentra rbac apply` again to finish.',
        details: { ...result },
      },
    );
  }
  return result;
}
