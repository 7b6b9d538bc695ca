/**
 * kentra ships the API server's bootstrap RBAC (the roles and bindings every
 * cluster has: system:basic-user, system:discovery, admin/edit/view and their
 * aggregate-to-* parts, ...) so that evaluating manifests offline sees what a
 * real cluster adds. This test proves the shipped copy equals what the real
 * kube-apiserver of the test world creates at start-up.
 *
 * After a Kubernetes upgrade of the test world, refresh the copy with
 *   KENTRA_WRITE_RBAC_DEFAULTS=1 node --import tsx test/run.ts test/e2e/access-bootstrap-defaults.test.ts
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../../src/adapters/kube/client.js';
import { openKubeconfig } from '../../src/adapters/kube/kubeconfig.js';
import { bootstrapDefaults, bootstrapDefaultsDocuments } from '../../src/domain/rbac/bootstrap-defaults.js';
import { sharedControlPlane } from '../harness/world.js';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const bootstrapLabel = 'kubernetes.io/bootstrapping=rbac-defaults';
const defaultsFile = fileURLToPath(new URL('../../src/domain/rbac/bootstrap-defaults.json', import.meta.url));

/** The fields the authorizer reads, in a stable order (the shape of bootstrap-defaults.json). */
function essentials(object: KubeObject, kind: string): KubeObject {
  const metadata: KubeObject['metadata'] = { name: object.metadata.name };
  if (object.metadata.namespace) metadata.namespace = object.metadata.namespace;
  if (object.metadata.labels) metadata.labels = object.metadata.labels;
  const result: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata };
  for (const field of ['rules', 'aggregationRule', 'roleRef', 'subjects'])
    if (object[field] !== undefined) result[field] = object[field];
  return result;
}

describe('shipped bootstrap RBAC defaults', () => {
  it('equal the roles and bindings the real kube-apiserver creates', async () => {
    const cluster = await sharedControlPlane();
    const client = new KubeClient(
      await openKubeconfig({ kubeconfig: cluster.adminKubeconfig }, { env: {}, cwd: '/' }).connection(),
    );
    try {
      const live: KubeObject[] = [];
      for (const [plural, kind] of [
        ['clusterroles', 'ClusterRole'],
        ['clusterrolebindings', 'ClusterRoleBinding'],
        ['roles', 'Role'],
        ['rolebindings', 'RoleBinding'],
      ] as const) {
        const list = await client.get<{ items: KubeObject[] }>(
          `/apis/rbac.authorization.k8s.io/v1/${plural}`,
          {
            labelSelector: bootstrapLabel,
          },
        );
        live.push(
          ...list.items
            .map((item) => essentials(item, kind))
            .sort((a, b) =>
              `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
                `${b.metadata.namespace}/${b.metadata.name}`,
              ),
            ),
        );
      }
      if (process.env.KENTRA_WRITE_RBAC_DEFAULTS === '1')
        await writeFile(defaultsFile, `${JSON.stringify(live, null, 1)}\n`);
      assert.ok(live.length > 100, `expected the full bootstrap policy, got ${live.length} objects`);
      assert.deepEqual(
        bootstrapDefaultsDocuments(),
        live,
        'refresh with KENTRA_WRITE_RBAC_DEFAULTS=1 (see the header)',
      );
      const parsed = bootstrapDefaults();
      assert.ok(parsed.clusterRoles.some((role) => role.name === 'system:basic-user'));
      assert.ok(parsed.clusterRoleBindings.some((binding) => binding.name === 'system:discovery'));
    } finally {
      client.close();
    }
  });
});
