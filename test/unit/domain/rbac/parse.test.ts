/** Reading Kubernetes objects into the RBAC model: lists, kinds, and errors that point at the field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RbacCollector } from '../../../../src/domain/rbac/parse.js';
import { overlaySnapshot } from '../../../../src/domain/rbac/snapshot-merge.js';
import { KentraError } from '../../../../src/errors.js';
import { snapshotFromYaml } from './snapshot-from-yaml.js';

describe('RbacCollector', () => {
  it('unpacks API lists whose items carry no kind, and kind: List of full objects', () => {
    const collector = new RbacCollector();
    collector.add(
      {
        kind: 'RoleBindingList',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        items: [{ metadata: { name: 'b', namespace: 'n' }, roleRef: { kind: 'Role', name: 'r' } }],
      },
      'api',
    );
    collector.add({ kind: 'NamespaceList', apiVersion: 'v1', items: [{ metadata: { name: 'm' } }] }, 'api');
    collector.add(
      {
        kind: 'List',
        apiVersion: 'v1',
        items: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } },
        ],
      },
      'dump',
    );
    const { snapshot, skipped } = collector.result();
    assert.deepEqual(
      snapshot.roleBindings.map((binding) => [binding.namespace, binding.name, binding.subjects]),
      [['n', 'b', []]],
    );
    assert.deepEqual(snapshot.namespaces, ['m', 'n']);
    assert.deepEqual(
      snapshot.clusterRoles.map((role) => [role.name, role.rules]),
      [['x', []]],
    );
    assert.deepEqual([...skipped], [['ConfigMap', 1]]);
  });

  it('keeps the later of two objects with the same kind, namespace and name, as kubectl apply would', () => {
    const snapshot = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: n}
roleRef: {kind: Role, name: first}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: other}
roleRef: {kind: Role, name: elsewhere}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: n}
roleRef: {kind: Role, name: second}
`);
    assert.deepEqual(
      snapshot.roleBindings.map((binding) => `${binding.namespace}/${binding.roleRef.name}`),
      ['other/elsewhere', 'n/second'],
    );
  });

  it('keeps aggregation rules and labels of ClusterRoles', () => {
    const [role] = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {x: "1"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {y: "2"}, matchExpressions: [{key: z, operator: Exists}]}]}
`).clusterRoles;
    assert.deepEqual(role?.labels, { x: '1' });
    assert.deepEqual(role?.aggregationSelectors, [
      { matchLabels: { y: '2' }, matchExpressions: [{ key: 'z', operator: 'Exists', values: [] }] },
    ]);
  });

  it('rejects malformed RBAC with the document and field path', () => {
    const bad = (object: unknown, message: RegExp) =>
      assert.throws(
        () => new RbacCollector().add(object, 'f.yaml: document 2'),
        (error: unknown) =>
          error instanceof KentraError && error.code === 'config.invalid' && message.test(error.message),
      );
    const api = 'rbac.authorization.k8s.io/v1';
    bad(
      { apiVersion: api, kind: 'Role', metadata: { name: 'r', namespace: 'n' }, rules: [{ verbs: 'get' }] },
      /^f\.yaml: document 2 \(Role r\): rules\[0\]\.verbs: expected a list of strings$/,
    );
    bad(
      { apiVersion: api, kind: 'Role', metadata: { name: 'r' } },
      /metadata\.namespace \(a Role is namespaced\)/,
    );
    bad(
      { apiVersion: api, kind: 'RoleBinding', metadata: { name: 'b', namespace: 'n' } },
      /\(RoleBinding b\): roleRef: expected an object/,
    );
    bad(
      {
        apiVersion: api,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'b' },
        roleRef: { kind: 'ClusterRole', name: 'r' },
        subjects: [{ kind: 'User' }],
      },
      /subjects\[0\]\.name/,
    );
    bad(
      {
        apiVersion: api,
        kind: 'ClusterRole',
        metadata: { name: 'c' },
        aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'k', operator: 'Has' }] }] },
      },
      /matchExpressions\[0\]\.operator/,
    );
  });
});

describe('overlaySnapshot', () => {
  it('lets an object replace the one of the same kind, namespace and name', () => {
    const base = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: keep}
`);
    const top = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
`);
    const merged = overlaySnapshot(base, top);
    assert.deepEqual(
      merged.clusterRoles.map((role) => [role.name, role.rules.map((rule) => rule.verbs.join())]),
      [
        ['keep', []],
        ['view', ['list']],
      ],
    );
  });
});
