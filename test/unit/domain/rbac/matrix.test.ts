/** The access matrix: what each cell claims, which rows exist, and who the rows are. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultIdentityMapping, StaticDirectory } from '../../../../src/domain/rbac/directory.js';
import { RbacEvaluator } from '../../../../src/domain/rbac/evaluator.js';
import {
  type AccessMatrix,
  computeMatrix,
  standardVerbs,
  withoutEmptyColumns,
} from '../../../../src/domain/rbac/matrix.js';
import { matrixSubjects } from '../../../../src/domain/rbac/matrix-subjects.js';
import { builtInCatalog, resourceLabel } from '../../../../src/domain/rbac/resource-catalog.js';
import { snapshotFromYaml } from './snapshot-from-yaml.js';

const snapshot = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [secrets], resourceNames: [tls], verbs: [get]}
- {nonResourceURLs: [/healthz], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: scaler}
rules:
- {apiGroups: ["*"], resources: ["*/scale"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: devs-read}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: "entra:group:g-devs"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-scale, namespace: shop}
roleRef: {kind: ClusterRole, name: scaler}
subjects: [{kind: Group, name: "entra:group:g-devs"}, {kind: ServiceAccount, name: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-read-again, namespace: other}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: "entra:group:g-devs"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: components}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: User, name: "system:kube-scheduler"}, {kind: User, name: legacy-admin}, {kind: ServiceAccount, name: x, namespace: kube-system}]
`);
const directory = new StaticDirectory(
  [{ id: 'u-ann', displayName: 'Ann', userPrincipalName: 'ann@contoso.com', groupIds: ['g-devs'] }],
  [{ id: 'g-devs', displayName: 'Developers' }],
);
const subjects = matrixSubjects(snapshot, directory, defaultIdentityMapping);
const matrix = computeMatrix(new RbacEvaluator(snapshot), subjects, builtInCatalog, standardVerbs);

function cell(m: AccessMatrix, who: string, scope: string, resource: string) {
  const subject = m.subjects.findIndex((each) => each.displayName === who);
  const row = m.rows.find((each) => each.subject === subject && each.scope === scope);
  const column = m.resources.findIndex((each) => resourceLabel(each) === resource);
  return row?.cells[column];
}

describe('matrix subjects', () => {
  it('are Entra users and groups by name, then other bound subjects; system components only on request', () => {
    assert.deepEqual(
      subjects.map((subject) => [subject.kind, subject.displayName]),
      [
        ['EntraUser', 'Ann'],
        ['EntraGroup', 'Developers'],
        ['User', 'legacy-admin'],
        ['ServiceAccount', 'shop/ci'],
      ],
    );
    const everyone = matrixSubjects(snapshot, directory, defaultIdentityMapping, { includeSystem: true });
    assert.ok(everyone.some((subject) => subject.name === 'system:kube-scheduler'));
    assert.ok(everyone.some((subject) => subject.name === 'system:serviceaccount:kube-system:x'));
  });

  it('evaluate an Entra user as the prefixed object ID with prefixed groups and system:authenticated', () => {
    assert.deepEqual(subjects[0]?.user, {
      name: 'entra:u-ann',
      groups: ['entra:group:g-devs', 'system:authenticated'],
    });
    assert.deepEqual(subjects[1]?.user, { name: '', groups: ['entra:group:g-devs'] });
  });
});

describe('matrix cells', () => {
  it('hold the verbs allowed on every object, cluster-wide from ClusterRoleBindings', () => {
    assert.deepEqual(cell(matrix, 'Ann', '', 'pods/log'), {
      verbs: ['get', 'list', 'watch'],
      anyVerb: false,
      limited: {},
    });
    assert.equal(cell(matrix, 'Ann', '', 'pods/exec'), undefined);
  });

  it('keep name-limited grants apart', () => {
    assert.deepEqual(cell(matrix, 'Developers', '', 'secrets'), {
      verbs: [],
      anyVerb: false,
      limited: { get: ['tls'] },
    });
  });

  it('show a namespace row only where RoleBindings add something, with the effective verbs there', () => {
    assert.deepEqual(cell(matrix, 'Developers', 'shop', 'deployments.apps/scale'), {
      verbs: standardVerbs,
      anyVerb: true,
      limited: {},
    });
    assert.equal(
      cell(matrix, 'Developers', 'shop', 'pods'),
      undefined,
      'same as cluster-wide: left to that row',
    );
    const rows = matrix.rows.filter((row) => row.subject === 1).map((row) => row.scope);
    assert.deepEqual(rows, ['', 'shop'], '"other" adds nothing beyond the ClusterRoleBinding');
  });

  it('never put cluster-scoped resources in namespace rows', () => {
    const nodes = matrix.resources.findIndex((each) => each.resource === 'nodes');
    for (const row of matrix.rows) if (row.scope !== '') assert.equal(row.cells[nodes], undefined);
  });

  it('list non-resource URLs on the cluster-wide row', () => {
    const row = matrix.rows.find((each) => each.subject === 0 && each.scope === '');
    assert.deepEqual(row?.nonResourceURLs, { get: ['/healthz'] });
  });

  it('drop columns nobody can use', () => {
    const compact = withoutEmptyColumns(matrix);
    assert.ok(compact.resources.length < matrix.resources.length);
    assert.ok(compact.resources.some((each) => resourceLabel(each) === 'deployments.apps/scale'));
    assert.ok(!compact.resources.some((each) => resourceLabel(each) === 'nodes'));
    assert.deepEqual(cell(compact, 'Ann', '', 'pods/log'), cell(matrix, 'Ann', '', 'pods/log'));
  });

  it('give system:masters everything', () => {
    const masters = computeMatrix(
      new RbacEvaluator(snapshot),
      [
        {
          kind: 'Group',
          name: 'system:masters',
          displayName: 'system:masters',
          user: { name: '', groups: ['system:masters'] },
        },
      ],
      builtInCatalog,
      standardVerbs,
    );
    assert.equal(masters.rows.length, 1);
    assert.ok(masters.rows[0]?.cells.every((each) => each?.anyVerb === true));
  });
});
