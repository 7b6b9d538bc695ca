/**
 * `kentra rbac plan|apply|prune` on the real kube-apiserver, run in-process,
 * with group names resolved through the Entra emulator's Microsoft Graph and
 * every permission checked with the real kubectl (`auth can-i --as/--as-group`
 * through the admin kubeconfig).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ControlPlane } from '../harness/control-plane.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { sharedControlPlane } from '../harness/world.js';
import {
  createGroup,
  objectId,
  type RbacWorld,
  seedWithGroups,
  startRbacWorld,
} from '../helpers/rbac-world.js';

const run = randomBytes(3).toString('hex');
const name = `e2e-${run}`;
const nsA = `acc-${run}-a`;
const nsB = `acc-${run}-b`;
const payments = `payments-${run}`;
const groups = {
  viewers: '',
  developers: '',
  deployers: '',
  oncall: '',
  temps: '',
};
// The built-in view/edit/admin roles are aggregated by kube-controller-manager, which the test
// control plane does not run (their rules stay empty), so the test brings its own ClusterRoles.
const roles = { reader: `${name}-reader`, editor: `${name}-editor`, admin: `${name}-admin` };

const baseAccess = () => ({
  apiVersion: 'kentra.dev/v1alpha1',
  kind: 'Access',
  name,
  tenant: {} as Record<string, string>,
  clusters: [{ name: 'test', kubernetesVersion: '1.36' }],
  rules: [
    { group: `viewers-${run}`, clusterRole: roles.reader },
    { group: `developers-${run}`, clusterRole: roles.editor, namespaces: [nsA] },
    { group: groups.deployers, role: 'deployer', namespaces: [nsA] },
    {
      group: `payments-oncall-${run}`,
      clusterRole: roles.admin,
      namespaceSelector: { matchLabels: { team: payments } },
    },
    { group: `temps-${run}`, clusterRole: roles.reader, namespaces: [nsA], expires: '2020-01-01' },
  ] as Record<string, unknown>[],
});

describe('kentra rbac on the real kube-apiserver', () => {
  let cluster: ControlPlane;
  let world: RbacWorld;
  let access: ReturnType<typeof baseAccess>;
  let entra: EmulatorHandle;

  const writeAccess = async (change?: (a: ReturnType<typeof baseAccess>) => void) => {
    access = baseAccess();
    access.tenant = world.tenant;
    change?.(access);
    await world.writeAccess(access);
  };

  async function canI(
    group: string | undefined,
    verb: string,
    resource: string,
    namespace: string,
  ): Promise<boolean> {
    const args = ['auth', 'can-i', verb, resource, '-n', namespace, `--as=entra:${objectId()}`];
    if (group) args.push(`--as-group=entra:group:${group}`);
    const result = await kubectl(cluster.adminKubeconfig, args);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return result.stdout.trim() === 'yes';
  }

  before(async () => {
    cluster = await sharedControlPlane();
    // Group names carry the run id: the emulator's demo tenant already has viewers and developers.
    const names = ['viewers', 'developers', 'deployers', 'payments-oncall', 'temps'].map(
      (group) => `${group}-${run}`,
    );
    entra = await startEmulator({ seed: seedWithGroups([...names, `on-call-${run}`]) });
    await createGroup(entra, `on-call-${run}`);
    const idOf = (group: string) => entra.groups[`${group}-${run}`] ?? assert.fail(`no group ${group}`);
    groups.viewers = idOf('viewers');
    groups.developers = idOf('developers');
    groups.deployers = idOf('deployers');
    groups.oncall = idOf('payments-oncall');
    groups.temps = idOf('temps');
    world = await startRbacWorld(cluster, entra, name);
    const setup = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Namespace
metadata: {name: ${nsA}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${nsB}, labels: {team: ${payments}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: ${nsA}}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${roles.reader}}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${roles.editor}}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, list, create, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${roles.admin}}
rules:
- {apiGroups: [""], resources: [pods], verbs: ["*"]}
`,
    });
    assert.equal(setup.code, 0, setup.stderr);
    await writeAccess();
  });

  after(async () => {
    await kubectl(cluster.adminKubeconfig, ['delete', 'namespace', nsA, nsB, '--wait=false']);
    await kubectl(cluster.adminKubeconfig, [
      'delete',
      'clusterrolebindings',
      '-l',
      `kentra.dev/access-file=${name}`,
    ]);
    await world.close();
    await entra.stop();
  });

  // Computed after before() has the group IDs.
  const expectedNames = () =>
    [
      `ClusterRoleBinding /kentra:viewers-${run}-${groups.viewers.slice(0, 8)}:clusterrole:${roles.reader}`,
      `RoleBinding ${nsA}/kentra:${groups.deployers}:role:deployer`,
      `RoleBinding ${nsA}/kentra:developers-${run}-${groups.developers.slice(0, 8)}:clusterrole:${roles.editor}`,
      `RoleBinding ${nsB}/kentra:payments-oncall-${run}-${groups.oncall.slice(0, 8)}:clusterrole:${roles.admin}`,
    ].sort();

  it('plan shows the bindings to create and changes nothing', async () => {
    const plan = await world.kentra(['rbac', 'plan', '-o', 'json']);
    assert.equal(plan.code, 0, plan.stderr);
    const data = JSON.parse(plan.stdout);
    assert.equal(data.empty, false);
    assert.deepEqual(data.summary, { create: 4, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 0 });
    assert.deepEqual(await world.bindings(), []);
  });

  it('apply --dry-run prints the manifests and changes nothing', async () => {
    const dry = await world.kentra(['rbac', 'apply', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout.split('---\n').length, 4);
    assert.match(dry.stdout, /kind: RoleBinding/);
    assert.deepEqual(await world.bindings(), []);
  });

  it('apply creates exactly the planned bindings; a second apply changes nothing and says so', async () => {
    const applied = await world.kentra(['rbac', 'apply']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Plan: 4 to create/);
    assert.deepEqual(await world.bindings(), expectedNames());
    const again = await world.kentra(['rbac', 'apply']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /No changes: cluster "test" matches the access file \(4 bindings up to date\)/,
    );
    const plan = JSON.parse((await world.kentra(['rbac', 'plan', '-o', 'json'])).stdout);
    assert.equal(plan.empty, true);
    assert.deepEqual(await world.bindings(), expectedNames());
  });

  it('each group can do exactly what its rule grants (kubectl auth can-i)', async () => {
    const table: [string | undefined, string, string, string, boolean][] = [
      [groups.viewers, 'get', 'pods', nsB, true],
      [groups.viewers, 'create', 'pods', nsB, false],
      [groups.viewers, 'get', 'secrets', nsA, false],
      [groups.viewers, 'get', 'pods', 'kube-system', true],
      [groups.developers, 'create', 'deployments', nsA, true],
      [groups.developers, 'create', 'deployments', nsB, false],
      [groups.developers, 'get', 'pods', nsA, false],
      [groups.deployers, 'patch', 'deployments', nsA, true],
      [groups.deployers, 'get', 'pods', nsA, false],
      [groups.deployers, 'patch', 'deployments', nsB, false],
      [groups.oncall, 'delete', 'pods', nsB, true],
      [groups.oncall, 'delete', 'pods', nsA, false],
      [groups.temps, 'get', 'pods', nsA, false],
      [undefined, 'get', 'pods', nsA, false],
      [undefined, 'list', 'namespaces', 'default', false],
    ];
    for (const [group, verb, resource, namespace, allowed] of table)
      assert.equal(
        await canI(group, verb, resource, namespace),
        allowed,
        `${group ?? 'no group'} ${verb} ${resource} -n ${namespace}`,
      );
  });

  it('an unmapped user has nothing beyond the authenticated baseline', async () => {
    const result = await kubectl(cluster.adminKubeconfig, [
      'auth',
      'can-i',
      '--list',
      '-n',
      nsA,
      `--as=entra:${objectId()}`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    // kubectl prints resource rules with the resource first, non-resource URLs with an empty first column.
    const rows = result.stdout
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '');
    const resources = rows
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((cell) => !cell.startsWith('['));
    const urls = rows.flatMap((line) => line.match(/\[(\/[^\]]*)\]/g) ?? []).map((cell) => cell.slice(1, -1));
    assert.deepEqual(resources.sort(), [
      'selfsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
      'selfsubjectrulesreviews.authorization.k8s.io',
    ]);
    // system:discovery and system:public-info-viewer: read-only health, version and discovery URLs.
    const baseline = [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/readyz',
      '/version',
      '/version/',
      '/openapi',
      '/openapi/*',
    ];
    assert.deepEqual(
      urls.filter((url) => !baseline.includes(url)),
      [],
    );
    assert.ok(
      rows.filter((line) => line.includes('[/')).every((line) => /\[get\]\s*$/.test(line)),
      'only get on URLs',
    );
  });

  it('invalid files exit non-zero with field-path errors and leave the cluster unchanged', async () => {
    const before = await world.bindings();
    const cases: [string, (a: ReturnType<typeof baseAccess>) => void, RegExp][] = [
      [
        'schema error',
        (a) => {
          a.rules.push({ group: `viewers-${run}`, clusterrole: 'edit' });
        },
        /rules\[5\]\.clusterrole: unknown field \(did you mean "clusterRole"\?\)/,
      ],
      [
        'unknown group',
        (a) => {
          a.rules.push({ group: 'devs', clusterRole: 'view' });
        },
        /rules\[5\]\.group: no Entra group named "devs" \(did you mean "developers"\?\)/,
      ],
      [
        'duplicate group names',
        (a) => {
          a.rules.push({ group: `on-call-${run}`, clusterRole: 'view' });
        },
        new RegExp(`rules\\[5\\]\\.group: 2 Entra groups are named "on-call-${run}"`),
      ],
      [
        'unknown namespace',
        (a) => {
          a.rules.push({ group: `viewers-${run}`, clusterRole: 'edit', namespaces: [`${nsA}x`] });
        },
        new RegExp(
          `rules\\[5\\]\\.namespaces\\[0\\]: namespace "${nsA}x" does not exist in cluster "test" \\(did you mean "${nsA}"\\?\\)`,
        ),
      ],
      [
        'unknown ClusterRole',
        (a) => {
          a.rules.push({ group: `viewers-${run}`, clusterRole: `${roles.reader.slice(0, -2)}ed` });
        },
        new RegExp(
          `rules\\[5\\]\\.clusterRole: no ClusterRole named "${roles.reader.slice(0, -2)}ed" in cluster "test" \\(did you mean "${roles.reader}"\\?\\)`,
        ),
      ],
      [
        'an error among valid changes',
        (a) => {
          a.rules.splice(0, 1, { group: `developers-${run}`, clusterRole: roles.reader });
          a.rules.push({ group: 'devs', clusterRole: 'view' });
        },
        /no Entra group named "devs"/,
      ],
    ];
    for (const [what, change, message] of cases) {
      await writeAccess(change);
      const result = await world.kentra(['rbac', 'apply', '--prune']);
      assert.equal(result.code, 1, `${what}: ${result.stdout}`);
      assert.match(result.stderr, /kentra: error \[access\.invalid\]/, what);
      assert.match(result.stderr, message, what);
      assert.deepEqual(await world.bindings(), before, `${what}: the cluster must be unchanged`);
    }
    await writeAccess();
  });

  it('an expired rule is removed at the next apply, without --prune', async () => {
    await writeAccess((a) => {
      (a.rules[1] as Record<string, unknown>).expires = '2021-06-30';
    });
    const plan = await world.kentra(['rbac', 'plan']);
    assert.match(
      plan.stdout,
      new RegExp(`- delete +RoleBinding .*clusterrole:${roles.editor} .*\\[expired\\]`),
    );
    const applied = await world.kentra(['rbac', 'apply']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(
      await world.bindings(),
      expectedNames().filter((entry) => !entry.includes(`:clusterrole:${roles.editor}`)),
    );
    assert.equal(await canI(groups.developers, 'create', 'deployments', nsA), false);
  });

  it('removing a rule keeps its binding until --prune, which removes exactly that binding', async () => {
    await writeAccess((a) => {
      (a.rules[1] as Record<string, unknown>).expires = '2021-06-30';
      a.rules.splice(0, 1);
    });
    const beforePrune = await world.bindings();
    const kept = await world.kentra(['rbac', 'apply']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /! orphan +ClusterRoleBinding kentra:viewers-.*--prune removes it/);
    assert.deepEqual(await world.bindings(), beforePrune);
    const pruned = await world.kentra(['rbac', 'apply', '--prune']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const afterPrune = await world.bindings();
    assert.deepEqual(
      beforePrune.filter((entry) => !afterPrune.includes(entry)),
      [expectedNames()[0]],
    );
    assert.equal(await canI(groups.viewers, 'get', 'pods', nsB), false);
  });

  it('`kentra rbac prune` only removes: a dropped rule goes, a new rule is not created', async () => {
    await writeAccess((a) => {
      (a.rules[1] as Record<string, unknown>).expires = '2021-06-30';
      a.rules.splice(0, 3, { group: `viewers-${run}`, clusterRole: roles.admin, namespaces: [nsA] });
    });
    const beforePrune = await world.bindings();
    const pruned = await world.kentra(['rbac', 'prune', '-o', 'json']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const data = JSON.parse(pruned.stdout);
    assert.equal(data.applied, true);
    assert.deepEqual(
      data.changes
        .filter((change: { action: string }) => change.action !== 'unchanged')
        .map((change: { action: string; name: string }) => `${change.action} ${change.name}`),
      [`delete kentra:${groups.deployers}:role:deployer`],
    );
    const afterPrune = await world.bindings();
    assert.deepEqual(
      beforePrune.filter((entry) => !afterPrune.includes(entry)),
      [`RoleBinding ${nsA}/kentra:${groups.deployers}:role:deployer`],
    );
    assert.equal(afterPrune.length, beforePrune.length - 1, 'nothing created');
  });
});
