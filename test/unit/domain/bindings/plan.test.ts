import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessRule } from '../../../../src/domain/access/model.js';
import { type BindingObject, bindingName, toManifest } from '../../../../src/domain/bindings/binding.js';
import { desiredBindings } from '../../../../src/domain/bindings/desired.js';
import { planBindings } from '../../../../src/domain/bindings/plan.js';

const now = Date.parse('2026-11-29T05:00:00Z');
const devs = { id: 'A1B2C3D4-0000-4000-8000-000000000001', displayName: 'developers' };
const ops = { id: 'b1b2c3d4-0000-4000-8000-000000000002', displayName: 'ops' };

const rules: AccessRule[] = [
  {
    index: 0,
    group: 'developers',
    roleRef: { kind: 'ClusterRole', name: 'view' },
    scope: { kind: 'cluster' },
  },
  {
    index: 1,
    group: 'developers',
    roleRef: { kind: 'ClusterRole', name: 'edit' },
    scope: { kind: 'namespaces', namespaces: ['team-a', 'team-b'] },
  },
  {
    index: 2,
    group: ops.id,
    roleRef: { kind: 'Role', name: 'deployer' },
    scope: { kind: 'selector', matchLabels: { team: 'a' } },
    expires: Date.parse('2026-12-01T00:00:00Z'),
  },
  {
    index: 3,
    group: 'ops',
    roleRef: { kind: 'ClusterRole', name: 'admin' },
    scope: { kind: 'cluster' },
    expires: Date.parse('2026-11-01T00:00:00Z'),
  },
  {
    index: 4,
    group: 'developers',
    roleRef: { kind: 'ClusterRole', name: 'view' },
    scope: { kind: 'cluster' },
    clusters: ['other'],
  },
];

function desired() {
  return desiredBindings({
    owner: 'kentra',
    cluster: 'dev',
    rules,
    groups: new Map([
      [0, devs],
      [1, devs],
      [2, ops],
      [3, ops],
      [4, devs],
    ]),
    namespaces: new Map([
      [1, ['team-a', 'team-b']],
      [2, ['team-a']],
    ]),
    groupPrefix: 'entra:group:',
    now,
  });
}

const foreign: BindingObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'someone-elses' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'Group', name: 'entra:group:x' }],
};

describe('desired bindings', () => {
  it('turns rules into named, labelled bindings with prefixed lower-case group IDs', () => {
    const { bindings, expired } = desired();
    assert.deepEqual(
      bindings.map((b) => `${b.kind} ${b.namespace ?? '-'} ${b.name} ${b.subject}`),
      [
        'ClusterRoleBinding - kentra:developers-a1b2c3d4:clusterrole:view entra:group:a1b2c3d4-0000-4000-8000-000000000001',
        'RoleBinding team-a kentra:developers-a1b2c3d4:clusterrole:edit entra:group:a1b2c3d4-0000-4000-8000-000000000001',
        'RoleBinding team-b kentra:developers-a1b2c3d4:clusterrole:edit entra:group:a1b2c3d4-0000-4000-8000-000000000001',
        'RoleBinding team-a kentra:b1b2c3d4-0000-4000-8000-000000000002:role:deployer entra:group:b1b2c3d4-0000-4000-8000-000000000002',
      ],
    );
    assert.deepEqual([...expired], ['ClusterRoleBinding//kentra:ops-b1b2c3d4:clusterrole:admin']);
    const manifest = toManifest(bindings[3] ?? assert.fail());
    assert.equal(manifest.metadata.labels?.['app.kubernetes.io/managed-by'], 'kentra');
    assert.equal(manifest.metadata.annotations?.['kentra.dev/expires'], '2026-12-01T00:00:00.000Z');
    assert.equal(manifest.metadata.annotations?.['kentra.dev/rule'], 'rules[2]');
  });

  it('names bindings from the file and the ID only, so a renamed group keeps its bindings', () => {
    assert.equal(
      bindingName('Developers', devs.id, { kind: 'ClusterRole', name: 'view' }),
      bindingName('Developers', devs.id, { kind: 'ClusterRole', name: 'view' }),
    );
    assert.equal(
      bindingName('Site Reliability (EU)', devs.id, { kind: 'Role', name: 'x' }),
      'kentra:site-reliability-eu-a1b2c3d4:role:x',
    );
  });
});

/** A binding kentra once wrote, edited by `change` (owner, name, expiry...). */
function written(change: Record<string, unknown>) {
  return toManifest({ ...desired().bindings[0], ...change } as never);
}

/** The plan for a cluster holding `current`, against the rules above (or an empty file). */
function planFor(current: BindingObject[], prune: boolean, declared = desired()) {
  return planBindings({
    owner: 'kentra',
    cluster: 'dev',
    desired: declared.bindings,
    expired: declared.expired,
    current,
    prune,
    now,
  });
}

const emptyFile = { bindings: [], expired: new Set<string>() };

describe('planBindings', () => {
  it('creates everything on an empty cluster and ignores bindings kentra does not manage', () => {
    const plan = planFor([foreign], true);
    assert.deepEqual(plan.summary, { create: 4, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 0 });
    assert.equal(plan.empty, false);
  });

  it("never touches another access file's bindings, even with --prune", () => {
    const theirs = written({ owner: 'team-b', name: 'kentra:theirs:clusterrole:view' });
    const plan = planFor([theirs], true, emptyFile);
    assert.deepEqual(plan.changes, []);
  });

  it('says "no changes" when the cluster already matches', () => {
    const current = desired().bindings.map(toManifest);
    const plan = planFor(current, true);
    assert.equal(plan.empty, true);
    assert.equal(plan.summary.unchanged, 4);
  });

  it('updates changed subjects, replaces a changed roleRef, deletes expired always and undeclared only with prune', () => {
    const [view, editA, editB, deployer] = desired().bindings.map(toManifest);
    assert.ok(view && editA && editB && deployer);
    const tampered = structuredClone(editA);
    tampered.subjects = [
      { kind: 'Group', name: 'entra:group:intruder', apiGroup: 'rbac.authorization.k8s.io' },
    ];
    const wrongRole = structuredClone(editB);
    wrongRole.roleRef.name = 'admin';
    const expiredBinding = structuredClone(view);
    expiredBinding.metadata.name = 'kentra:ops-b1b2c3d4:clusterrole:admin';
    const undeclared = structuredClone(view);
    undeclared.metadata.name = 'kentra:old-rule:clusterrole:view';
    const current = [view, tampered, wrongRole, deployer, expiredBinding, undeclared, foreign];
    const kept = planFor(current, false);
    assert.deepEqual(kept.summary, { create: 0, update: 1, replace: 1, delete: 1, orphan: 1, unchanged: 2 });
    const pruned = planFor(current, true);
    assert.deepEqual(
      pruned.changes
        .filter((change) => change.action === 'delete')
        .map((change) => [change.current.metadata.name, change.action === 'delete' && change.reason]),
      [
        ['kentra:old-rule:clusterrole:view', 'undeclared'],
        ['kentra:ops-b1b2c3d4:clusterrole:admin', 'expired'],
      ],
    );
    const update = pruned.changes.find((change) => change.action === 'update');
    assert.deepEqual(update?.action === 'update' && update.fields, ['subjects']);
  });

  it('removes a binding whose own expiry annotation has passed even if its rule was edited away', () => {
    const stale = written({ name: 'kentra:gone:clusterrole:view', expires: '2026-11-28T00:00:00.000Z' });
    const plan = planFor([stale], false, emptyFile);
    assert.deepEqual(
      plan.changes.map((change) => change.action === 'delete' && change.reason),
      ['expired'],
    );
  });
});
