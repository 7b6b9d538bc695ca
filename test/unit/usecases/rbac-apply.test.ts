import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BindingObject, toManifest } from '../../../src/domain/bindings/binding.js';
import { planBindings } from '../../../src/domain/bindings/plan.js';
import { KentraError } from '../../../src/errors.js';
import { applyPlan } from '../../../src/usecases/rbac-apply.js';

const group = { id: 'a1b2c3d4-0000-4000-8000-000000000001', displayName: 'developers' };
const binding = (name: string, namespace?: string) => ({
  owner: 'kentra',
  kind: namespace ? ('RoleBinding' as const) : ('ClusterRoleBinding' as const),
  name,
  namespace,
  roleRef: { kind: 'ClusterRole' as const, name: 'view' },
  group,
  subject: `entra:group:${group.id}`,
  rule: 'rules[0]',
});

/** Records every request; `refuse` makes the API server reject a path (in dry run and for real). */
function fakeKube(refuse?: string) {
  const calls: string[] = [];
  return {
    calls,
    kube: {
      async apply(path: string, _body: unknown, manager: string, options: { dryRun?: boolean } = {}) {
        calls.push(`${options.dryRun ? 'dry ' : ''}APPLY ${decodeURIComponent(path)} as ${manager}`);
        if (path.includes(refuse ?? '\u0000'))
          throw new KentraError('kube.request', `PATCH ${path}: 422 Invalid`);
        return {} as never;
      },
      async request(
        method: string,
        path: string,
        options: { query?: Record<string, string | undefined> } = {},
      ) {
        calls.push(`${options.query?.dryRun ? 'dry ' : ''}${method} ${decodeURIComponent(path)}`);
        return {} as never;
      },
    },
  };
}

const stale: BindingObject = toManifest(binding('kentra:old:clusterrole:view'));
const plan = planBindings({
  owner: 'kentra',
  cluster: 'dev',
  desired: [binding('kentra:new:clusterrole:view'), binding('kentra:ns:clusterrole:view', 'team-a')],
  expired: new Set(),
  current: [stale],
  prune: true,
  now: 0,
});

describe('applyPlan', () => {
  it('tries every write as a server-side dry run first, then deletes and applies under the kentra field manager', async () => {
    const { kube, calls } = fakeKube();
    const result = await applyPlan(plan, kube);
    assert.deepEqual(calls, [
      'dry DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kentra:old:clusterrole:view',
      'dry APPLY /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kentra:new:clusterrole:view as kentra',
      'dry APPLY /apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/kentra:ns:clusterrole:view as kentra',
      'DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kentra:old:clusterrole:view',
      'APPLY /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kentra:new:clusterrole:view as kentra',
      'APPLY /apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/kentra:ns:clusterrole:view as kentra',
    ]);
    assert.equal(result.applied.length, 2);
    assert.equal(result.deleted.length, 1);
  });

  it('writes nothing at all when the API server refuses any one change in the dry run', async () => {
    const { kube, calls } = fakeKube('team-a');
    await assert.rejects(applyPlan(plan, kube), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.equal(error.code, 'rbac.apply');
      assert.match(error.message, /nothing was changed/);
      return true;
    });
    assert.ok(
      calls.every((call) => call.startsWith('dry ')),
      calls.join('\n'),
    );
  });
});
