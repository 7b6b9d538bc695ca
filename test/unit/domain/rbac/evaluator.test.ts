/**
 * How bindings give rules to users, as upstream's DefaultRuleResolver and
 * RBACAuthorizer decide: one semantic rule per case, on small manifests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RbacEvaluator } from '../../../../src/domain/rbac/evaluator.js';
import { serviceAccountUser } from '../../../../src/domain/rbac/subjects.js';
import { request, snapshotFromYaml } from './snapshot-from-yaml.js';

const manifests = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules:
- {apiGroups: [""], resources: [nodes], verbs: [get]}
- {nonResourceURLs: [/metrics], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-writer, namespace: team-a}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-read-pods, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, name: "entra:devs"}
- {kind: ServiceAccount, name: builder}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-writes, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer}
subjects:
- {kind: User, name: alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-read-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects:
- {kind: Group, name: ops}
- {kind: ServiceAccount, name: no-namespace}
- {kind: ServiceAccount, name: monitor, namespace: observability}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: does-not-exist}
subjects:
- {kind: User, name: alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-binding-to-a-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer}
subjects:
- {kind: User, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: weird-subject, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Robot, name: carol}
`;

const evaluator = new RbacEvaluator(snapshotFromYaml(manifests));
const dev = { name: 'entra:u1', groups: ['entra:devs', 'system:authenticated'] };

describe('RoleBinding to a ClusterRole', () => {
  it("grants the ClusterRole's rules in the binding's namespace only", () => {
    assert.equal(evaluator.allows(dev, request('get', 'pods', { namespace: 'team-a' })), true);
    assert.equal(evaluator.allows(dev, request('get', 'pods', { namespace: 'team-b' })), false);
  });

  it('never grants cluster-wide (namespace ""): all-namespace lists need a ClusterRoleBinding', () => {
    assert.equal(evaluator.allows(dev, request('list', 'pods')), false);
  });
});

describe('ClusterRoleBinding', () => {
  const op = { name: 'o', groups: ['ops'] };
  it('applies cluster-wide and in every namespace', () => {
    assert.equal(evaluator.allows(op, request('get', 'nodes')), true);
    assert.equal(evaluator.allows(op, request('get', 'nodes', { namespace: 'anything' })), true);
  });

  it('grants non-resource URLs; RoleBindings never do', () => {
    assert.equal(evaluator.allows(op, { verb: 'get', path: '/metrics' }), true);
    assert.equal(evaluator.allows(op, { verb: 'get', path: '/metricsz' }), false);
  });

  it('to a Role (kind Role) grants nothing: a Role has a namespace, the binding has none', () => {
    const bob = { name: 'bob', groups: [] };
    assert.equal(evaluator.allows(bob, request('create', 'configmaps', { namespace: 'team-a' })), false);
    const decision = evaluator.authorize(bob, request('create', 'configmaps', { namespace: 'team-a' }));
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /role\.rbac\.authorization\.k8s\.io "cm-writer" not found/);
  });
});

describe('subjects', () => {
  it('User matches the exact user name', () => {
    assert.equal(
      evaluator.allows(
        { name: 'alice', groups: [] },
        request('create', 'configmaps', { namespace: 'team-a' }),
      ),
      true,
    );
    assert.equal(
      evaluator.allows(
        { name: 'Alice', groups: [] },
        request('create', 'configmaps', { namespace: 'team-a' }),
      ),
      false,
    );
  });

  it('Group matches membership; the user name does not matter', () => {
    assert.equal(
      evaluator.allows({ name: '', groups: ['entra:devs'] }, request('get', 'pods', { namespace: 'team-a' })),
      true,
    );
    assert.equal(
      evaluator.allows({ name: 'entra:devs', groups: [] }, request('get', 'pods', { namespace: 'team-a' })),
      false,
    );
  });

  it("ServiceAccount without namespace in a RoleBinding means the binding's namespace", () => {
    const builder = serviceAccountUser('team-a', 'builder');
    assert.equal(builder.name, 'system:serviceaccount:team-a:builder');
    assert.deepEqual(builder.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:team-a',
      'system:authenticated',
    ]);
    assert.equal(evaluator.allows(builder, request('get', 'pods', { namespace: 'team-a' })), true);
    assert.equal(
      evaluator.allows(
        serviceAccountUser('team-b', 'builder'),
        request('get', 'pods', { namespace: 'team-a' }),
      ),
      false,
    );
  });

  it('ServiceAccount without namespace in a ClusterRoleBinding never matches', () => {
    for (const namespace of ['', 'default', 'team-a'])
      assert.equal(
        evaluator.allows(serviceAccountUser(namespace, 'no-namespace'), request('get', 'nodes')),
        false,
      );
    assert.equal(
      evaluator.allows(serviceAccountUser('observability', 'monitor'), request('get', 'nodes')),
      true,
    );
  });

  it('a ServiceAccount subject is matched by user name, whoever presents it', () => {
    assert.equal(
      evaluator.allows(
        { name: 'system:serviceaccount:observability:monitor', groups: [] },
        request('get', 'nodes'),
      ),
      true,
    );
  });

  it('unknown subject kinds never match', () => {
    assert.equal(
      evaluator.allows({ name: 'carol', groups: ['carol'] }, request('get', 'pods', { namespace: 'team-a' })),
      false,
    );
  });
});

describe('decisions', () => {
  it('a missing role contributes nothing but other bindings still allow (rules are additive)', () => {
    const alice = { name: 'alice', groups: [] };
    const decision = evaluator.authorize(alice, request('create', 'configmaps', { namespace: 'team-a' }));
    assert.equal(decision.allowed, true);
    assert.equal(
      decision.allowed && decision.reason,
      'RBAC: allowed by RoleBinding "alice-writes/team-a" of Role "cm-writer" to User "alice"',
    );
    const denied = evaluator.authorize(alice, request('delete', 'configmaps', { namespace: 'team-a' }));
    assert.equal(denied.allowed, false);
    assert.deepEqual(!denied.allowed && denied.errors, [
      'clusterrole.rbac.authorization.k8s.io "does-not-exist" not found',
    ]);
  });

  it('the reason names binding, role and the matching subject, as the audit annotation does', () => {
    const decision = evaluator.authorize(
      serviceAccountUser('team-a', 'builder'),
      request('list', 'pods', { namespace: 'team-a' }),
    );
    assert.equal(
      decision.allowed && decision.reason,
      'RBAC: allowed by RoleBinding "devs-read-pods/team-a" of ClusterRole "pod-reader" to ServiceAccount "builder/team-a"',
    );
  });

  it('system:masters is allowed everything before RBAC is asked', () => {
    const admin = { name: 'anyone', groups: ['system:masters'] };
    assert.equal(
      evaluator.allows(admin, request('escalate', 'clusterroles', { group: 'rbac.authorization.k8s.io' })),
      true,
    );
    assert.equal(evaluator.allows(admin, { verb: 'delete', path: '/anything' }), true);
    assert.equal(
      evaluator.authorize(admin, request('get', 'pods')).reason,
      'member of the privileged group "system:masters"',
    );
  });

  it('nobody else gets anything without a binding', () => {
    assert.equal(
      evaluator.allows(
        { name: 'stranger', groups: ['system:authenticated'] },
        request('get', 'pods', { namespace: 'team-a' }),
      ),
      false,
    );
  });
});
