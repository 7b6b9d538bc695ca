import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAccessFile } from '../../../src/domain/access/parse.js';
import { KentraError } from '../../../src/errors.js';
import type { LoadedAccessFile } from '../../../src/usecases/load-access.js';
import { planRbac } from '../../../src/usecases/rbac-plan.js';

const adminsId = 'a1b2c3d4-0000-4000-8000-00000000000a';

function access(cluster: Record<string, unknown>, rules: Record<string, unknown>[]): LoadedAccessFile {
  const parsed = parseAccessFile({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
    clusters: [cluster],
    rules,
  });
  if (!parsed.file) throw new Error(JSON.stringify(parsed.issues));
  return {
    path: 'kentra.yaml',
    file: parsed.file,
    warnings: [],
    resolvePath: (p) => p,
    locate: () => undefined,
  };
}

/** A cluster with namespaces team-a (label team=a) and kube-system, ClusterRoles view and cluster-admin, no bindings. */
const kube = {
  async list<T>(path: string, options: { labelSelector?: string } = {}): Promise<T[]> {
    const named = (names: string[], labels: Record<string, string> = {}) =>
      names.map((name) => ({ metadata: { name, labels } })) as T[];
    if (path === '/api/v1/namespaces')
      return options.labelSelector === 'team=a' ? named(['team-a']) : named(['team-a', 'kube-system']);
    if (path.endsWith('/clusterroles')) return named(['view', 'cluster-admin']);
    if (path.endsWith('/namespaces/team-a/roles')) return named(['deployer']);
    return [];
  },
  apply: async () => ({}) as never,
  delete: async () => ({}) as never,
  request: async () => ({}) as never,
};

describe('planRbac', () => {
  it('binds the bare group object ID on AKS (Guard reports IDs without a prefix)', async () => {
    const { plan, warnings } = await planRbac(
      access({ name: 'aks-prod', kind: 'aks' }, [{ group: adminsId, clusterRole: 'cluster-admin' }]),
      { prune: false },
      { kube, now: 0 },
    );
    const [change] = plan.changes;
    assert.equal(change?.action, 'create');
    assert.deepEqual(change && 'desired' in change && change.desired.subjects, [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: adminsId },
    ]);
    assert.match(warnings.join('\n'), /not checked against Entra/);
  });

  it('prefixes the group elsewhere and follows namespace selectors', async () => {
    const { plan } = await planRbac(
      access({ name: 'dev' }, [
        { group: adminsId, clusterRole: 'view', namespaceSelector: { matchLabels: { team: 'a' } } },
      ]),
      { prune: false },
      { kube, now: 0 },
    );
    assert.deepEqual(
      plan.changes.map(
        (change) =>
          'desired' in change && `${change.desired.metadata.namespace} ${change.desired.subjects?.[0]?.name}`,
      ),
      [`team-a entra:group:${adminsId}`],
    );
  });

  it('reports every missing namespace, ClusterRole and Role at its rule, with suggestions', async () => {
    await assert.rejects(
      planRbac(
        access({ name: 'dev' }, [
          { group: adminsId, clusterRole: 'veiw' },
          { group: adminsId, clusterRole: 'view', namespaces: ['team-b'] },
          { group: adminsId, role: 'deployr', namespaces: ['team-a'] },
        ]),
        { prune: false },
        { kube, now: 0 },
      ),
      (error: unknown) => {
        assert.ok(error instanceof KentraError);
        assert.equal(error.code, 'access.invalid');
        const lines = error.message.split('\n').filter((line) => line.startsWith('  rules'));
        assert.deepEqual(
          lines.map((line) => line.trim()),
          [
            'rules[0].clusterRole: no ClusterRole named "veiw" in cluster "dev" (did you mean "view"?)',
            'rules[1].namespaces[0]: namespace "team-b" does not exist in cluster "dev" (did you mean "team-a"?)',
            'rules[2].role: no Role named "deployr" in namespace "team-a" (did you mean "deployer"?)',
          ],
        );
        return true;
      },
    );
  });
});
