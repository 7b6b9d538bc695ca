/** explain: every grant with its Entra group, near misses, and where else it would be allowed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultIdentityMapping, StaticDirectory } from '../../../../src/domain/rbac/directory.js';
import { RbacEvaluator } from '../../../../src/domain/rbac/evaluator.js';
import { explain } from '../../../../src/domain/rbac/explain.js';
import { request, snapshotFromYaml } from './snapshot-from-yaml.js';

const evaluator = new RbacEvaluator(
  snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: log-reader}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
- {apiGroups: [""], resources: [pods/log], verbs: [get]}
- {apiGroups: [""], resources: [secrets], resourceNames: [tls], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: shop}
roleRef: {kind: ClusterRole, name: log-reader}
subjects: [{kind: Group, name: "entra:group:g-devs"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: oncall, namespace: shop}
roleRef: {kind: ClusterRole, name: log-reader}
subjects: [{kind: Group, name: "entra:group:g-oncall"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: lab}
roleRef: {kind: ClusterRole, name: log-reader}
subjects: [{kind: Group, name: "entra:group:g-devs"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: broken, namespace: shop}
roleRef: {kind: Role, name: gone}
subjects: [{kind: Group, name: "entra:group:g-devs"}]
`),
);
const directory = new StaticDirectory([], [{ id: 'g-devs', displayName: 'Developers' }]);
const ann = {
  name: 'entra:u-ann',
  groups: ['entra:group:g-devs', 'entra:group:g-oncall', 'system:authenticated'],
};
const run = (user: typeof ann, req: ReturnType<typeof request>) =>
  explain(evaluator, user, req, directory, defaultIdentityMapping);

describe('explain', () => {
  it('lists every grant, each with binding, role, rule and the Entra group behind it', () => {
    const result = run(ann, request('get', 'pods', { subresource: 'log', namespace: 'shop' }));
    assert.equal(result.allowed, true);
    assert.equal(result.via, 'rbac');
    assert.deepEqual(
      result.grants.map((grant) => [
        grant.binding.name,
        grant.role.name,
        grant.ruleIndex,
        grant.entra?.displayName ?? grant.entra?.id,
      ]),
      [
        ['devs', 'log-reader', 1, 'Developers'],
        ['oncall', 'log-reader', 1, 'g-oncall'],
      ],
    );
    assert.equal(result.grants[0]?.subject, 'Group "entra:group:g-devs"');
    assert.deepEqual(result.errors, ['role.rbac.authorization.k8s.io "gone" not found']);
  });

  it('for a denial, names the rules one field off (name, verb, subresource of the same resource)', () => {
    const secret = run(ann, request('get', 'secrets', { name: 'db', namespace: 'shop' }));
    assert.equal(secret.allowed, false);
    assert.deepEqual(
      secret.nearMisses.map((miss) => miss.mismatch),
      ['resourceName', 'resourceName'],
    );
    const exec = run(ann, request('get', 'pods', { subresource: 'exec', namespace: 'shop' }));
    assert.deepEqual(
      exec.nearMisses.map((miss) => [miss.ruleIndex, miss.mismatch]),
      [
        [0, 'resource'],
        [1, 'resource'],
        [0, 'resource'],
        [1, 'resource'],
      ],
    );
    assert.match(exec.notes[0] ?? '', /kubectl exec needs both get and create on pods\/exec/);
    assert.deepEqual(run(ann, request('get', 'pods', { namespace: 'shop' })).notes, []);
    const del = run(ann, request('delete', 'pods', { namespace: 'shop' }));
    assert.ok(del.nearMisses.every((miss) => miss.mismatch === 'verb'));
  });

  it('says in which other namespaces the same request is allowed', () => {
    const elsewhere = run(
      { name: 'x', groups: ['entra:group:g-devs'] },
      request('get', 'pods', { namespace: 'prod' }),
    );
    assert.equal(elsewhere.allowed, false);
    assert.deepEqual(elsewhere.allowedIn, ['lab', 'shop']);
  });

  it('reports system:masters as allowed before RBAC', () => {
    const result = run({ name: 'root', groups: ['system:masters'] }, request('delete', 'nodes'));
    assert.equal(result.allowed, true);
    assert.equal(result.via, 'privileged-group');
    assert.deepEqual(result.grants, []);
  });
});
