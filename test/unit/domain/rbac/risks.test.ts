/** Baseline and risk findings against the API server's defaults (groundwork for kentra verify). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateClusterRoles } from '../../../../src/domain/rbac/aggregation.js';
import { bootstrapDefaults } from '../../../../src/domain/rbac/bootstrap-defaults.js';
import type { RbacSnapshot } from '../../../../src/domain/rbac/model.js';
import { findRisks } from '../../../../src/domain/rbac/risks.js';
import { overlaySnapshot } from '../../../../src/domain/rbac/snapshot-merge.js';
import { snapshotFromYaml } from './snapshot-from-yaml.js';

const defaults = bootstrapDefaults();

function cluster(yaml: string): RbacSnapshot {
  const combined = overlaySnapshot(defaults, snapshotFromYaml(yaml));
  return { ...combined, clusterRoles: aggregateClusterRoles(combined.clusterRoles).clusterRoles };
}

const summary = (snapshot: RbacSnapshot, expected?: (name: string) => boolean) =>
  findRisks(snapshot, {
    defaults,
    ...(expected ? { expected: (binding) => expected(binding.name) } : {}),
  }).map((finding) => [finding.check, finding.binding?.name ?? finding.role.name, finding.subject ?? '']);

describe('findRisks', () => {
  it('reports nothing for a cluster that has only the defaults (and their aggregated roles)', () => {
    assert.deepEqual(summary(cluster('')), []);
  });

  it('reports a binding of system:authenticated beyond the defaults', () => {
    const findings = summary(
      cluster(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-views}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: Group, name: system:authenticated}]
`),
    );
    assert.deepEqual(findings, [['broad-baseline', 'everyone-views', 'Group "system:authenticated"']]);
  });

  it('reports a default role that every signed-in user has when it allows more than the default', () => {
    const findings = summary(
      cluster(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:basic-user"}
rules:
- {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
`),
    );
    assert.deepEqual(findings, [['modified-default', 'system:basic-user', 'Group "system:authenticated"']]);
  });

  it('reports cluster-admin outside the expected bindings, also a subject added to a default binding', () => {
    const snapshot = cluster(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: managed-admins}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "entra:group:admins"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:masters"}, {kind: User, name: "old-admin"}]
`);
    assert.deepEqual(
      summary(snapshot, (name) => name === 'managed-admins'),
      [['cluster-admin', 'cluster-admin', 'User "old-admin"']],
    );
    assert.deepEqual(
      summary(snapshot).map(([check, name]) => `${check} ${name}`),
      ['cluster-admin managed-admins', 'cluster-admin cluster-admin'],
    );
  });

  it('reports wildcard rules of bound custom roles once, and risky permissions per subject', () => {
    const findings = findRisks(
      cluster(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ops, namespace: shop}
rules:
- {apiGroups: ["*"], resources: [deployments], verbs: ["*"]}
- {apiGroups: [""], resources: [secrets, pods/exec], verbs: [get, create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops, namespace: shop}
roleRef: {kind: Role, name: ops}
subjects: [{kind: Group, name: "entra:group:ops"}, {kind: ServiceAccount, name: deployer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-edit, namespace: shop}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "entra:group:devs"}]
`),
      { defaults },
    );
    const wildcard = findings.filter((finding) => finding.check === 'wildcard-rule');
    assert.deepEqual(
      wildcard.map((finding) => [finding.role.name, finding.ruleIndex]),
      [['ops', 0]],
    );
    assert.match(wildcard[0]?.message ?? '', /uses \* in verbs, apiGroups/);
    const risky = findings.filter((finding) => finding.check === 'risky-permission');
    assert.deepEqual(
      risky.map((finding) => [finding.binding?.name, finding.subject, finding.permissions?.join(', ')]),
      [
        ['ops', 'Group "entra:group:ops"', 'get secrets, create pods/exec'],
        ['ops', 'ServiceAccount "deployer/shop"', 'get secrets, create pods/exec'],
        // The default edit role is not a wildcard finding, but what it allows is worth knowing.
        [
          'devs-edit',
          'Group "entra:group:devs"',
          'impersonate serviceaccounts, get secrets, list secrets, watch secrets, create pods/exec, create serviceaccounts/token',
        ],
      ],
    );
  });
});
