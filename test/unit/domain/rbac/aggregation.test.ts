/**
 * Aggregated ClusterRoles as the clusterrole-aggregation controller computes
 * them (cases after upstream's clusterroleaggregation_controller_test.go).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateClusterRoles } from '../../../../src/domain/rbac/aggregation.js';
import { selectorMatches } from '../../../../src/domain/rbac/label-selector.js';
import type { ClusterRole, PolicyRule } from '../../../../src/domain/rbac/model.js';
import { snapshotFromYaml } from './snapshot-from-yaml.js';

function roles(yaml: string): readonly ClusterRole[] {
  return snapshotFromYaml(yaml).clusterRoles;
}

function rulesOf(result: readonly ClusterRole[], name: string): readonly PolicyRule[] {
  const role = result.find((each) => each.name === name);
  assert.ok(role, name);
  return role.rules;
}

const verbsOf = (rules: readonly PolicyRule[]) => rules.map((rule) => rule.verbs.join(','));

describe('aggregateClusterRoles', () => {
  it("replaces the aggregating role's own rules with the selected roles' rules, sorted by role name", () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to-monitoring: "true"}}]
rules: [{apiGroups: [""], resources: [secrets], verbs: [own-rule-is-dropped]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: z-endpoints, labels: {aggregate-to-monitoring: "true"}}
rules: [{apiGroups: [""], resources: [endpoints], verbs: [z]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: a-pods, labels: {aggregate-to-monitoring: "true"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [a]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: unlabelled}
rules: [{apiGroups: [""], resources: [nodes], verbs: [never]}]
`),
    );
    assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, 'monitoring')), ['a', 'z']);
    assert.deepEqual(result.changed, ['monitoring']);
  });

  it('drops rules equal to one already collected (field-wise, order-sensitive)', () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: "1"}}]}
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: one, labels: {x: "1"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: two, labels: {x: "1"}}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [pods], verbs: [list, get]}
`),
    );
    assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, 'agg')), ['get,list', 'list,get']);
  });

  it('unions several selectors in selector order, and a role selected twice adds nothing new', () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {second: "yes"}
  - matchExpressions: [{key: first, operator: Exists}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: a, labels: {first: "", second: "yes"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [a]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: b, labels: {first: "x"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [b]}]
`),
    );
    assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, 'agg')), ['a', 'b']);
  });

  it('settles nested aggregation (admin <- edit <- view, as the default roles)', () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: admin}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-admin: "true"}}]}
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: edit, labels: {to-admin: "true"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-edit: "true"}}]}
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: view, labels: {to-edit: "true"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-view: "true"}}]}
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: view-rules, labels: {to-view: "true"}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`),
    );
    for (const name of ['admin', 'edit', 'view'])
      assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, name)), ['get'], name);
  });

  it('skips the aggregating role itself even when it matches its own selector', () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: self, labels: {pick: "me"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {pick: "me"}}]}
rules: [{apiGroups: [""], resources: [pods], verbs: [lost]}]
`),
    );
    assert.deepEqual(rulesOf(result.clusterRoles, 'self'), []);
  });

  it('an empty selector selects every other ClusterRole; an invalid one leaves the role as stored', () => {
    const result = aggregateClusterRoles(
      roles(`
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: everything}
aggregationRule: {clusterRoleSelectors: [{}]}
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: broken}
aggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: k, operator: In}]}]}
rules: [{apiGroups: [""], resources: [pods], verbs: [kept]}]
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: x}
rules: [{apiGroups: [""], resources: [pods], verbs: [x]}]
`),
    );
    assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, 'everything')), ['kept', 'x']);
    assert.deepEqual(verbsOf(rulesOf(result.clusterRoles, 'broken')), ['kept']);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0] ?? '', /ClusterRole "broken".*operator In needs at least one value/);
  });
});

describe('label selectors', () => {
  const labels = { tier: 'web', env: 'prod' };
  it('In / NotIn / Exists / DoesNotExist as LabelSelectorAsSelector', () => {
    const is = (expressions: object[]) =>
      selectorMatches({ matchLabels: {}, matchExpressions: expressions as never }, labels);
    assert.equal(is([{ key: 'tier', operator: 'In', values: ['web', 'api'] }]), true);
    assert.equal(is([{ key: 'tier', operator: 'In', values: ['api'] }]), false);
    assert.equal(is([{ key: 'missing', operator: 'In', values: ['x'] }]), false);
    assert.equal(is([{ key: 'tier', operator: 'NotIn', values: ['api'] }]), true);
    assert.equal(is([{ key: 'missing', operator: 'NotIn', values: ['x'] }]), true);
    assert.equal(is([{ key: 'env', operator: 'Exists', values: [] }]), true);
    assert.equal(is([{ key: 'env', operator: 'DoesNotExist', values: [] }]), false);
    assert.equal(
      selectorMatches({ matchLabels: { tier: 'web', env: 'dev' }, matchExpressions: [] }, labels),
      false,
    );
  });
});
