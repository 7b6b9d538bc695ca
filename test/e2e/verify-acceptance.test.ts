/**
 * Issue #6 acceptance for `kentra verify` and `kentra whoami`, end to end: the
 * emulator is the tenant, a real kube-apiserver runs the AuthenticationConfiguration
 * `kentra cluster config` renders for it, `kentra rbac apply` binds the demo
 * groups, and users sign in through get-token's own use case (the stand-in
 * browser answers the emulator's sign-in page). verify passes on that cluster
 * and fails, naming the check, on each broken link; whoami shows both views.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { ControlPlane } from '../harness/control-plane.js';
import type { DemoUser, EmulatorHandle } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { kubectl } from '../harness/kubectl.js';
import { type EntraCluster, startEntraCluster } from '../helpers/entra-cluster.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const standInBrowser = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;
const namespace = 'shop';
const editor = 'shop-editor';

interface CheckJson {
  id: string;
  status: 'pass' | 'fail' | 'skip';
  summary: string;
  hint?: string;
}

describe(`issue #6 acceptance: kentra verify and kentra whoami against the emulator and a real kube-apiserver (kentra: ${kentra.name})`, () => {
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let dir: string;
  let accessPath: string;
  let accessFile: Record<string, unknown>;
  let world: EntraCluster;

  const env = async (user: DemoUser): Promise<Record<string, string | undefined>> => ({
    PATH: process.env.PATH,
    HOME: dir,
    KUBECONFIG: cluster.adminKubeconfig,
    KUBECACHEDIR: join(dir, 'cache'),
    KENTRA_GRAPH_TOKEN: await entra.graphToken(),
    KENTRA_TEST_USER: user.upn,
    KENTRA_TEST_PASSWORD: user.password,
    KENTRA_TEST_CA_FILE: entra.caFile,
  });

  /** `kentra verify -o json` as `user`; the checks and the exit status. */
  async function verifyAs(user: DemoUser, extra: string[] = [], access = accessPath) {
    const result = await kentra.run(
      [
        'verify',
        ...['--access', access, '--login-hint', user.upn, '--browser-command', standInBrowser, '-o', 'json'],
        ...extra,
      ],
      { cwd: dir, env: await env(user) },
    );
    assert.ok(result.stdout.startsWith('{'), `verify printed no report: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as { passed: boolean; checks: CheckJson[]; warnings: string[] };
    const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
    return { ...result, report, failed };
  }

  async function writeAccess(name: string, change: (file: Record<string, unknown>) => void): Promise<string> {
    const copy = structuredClone(accessFile);
    change(copy);
    const path = join(dir, name);
    await writeFile(path, stringify(copy));
    return path;
  }

  async function tokenKubeconfig(name: string, token: string): Promise<string> {
    const path = join(dir, name);
    const ca = Buffer.from(cluster.caPem).toString('base64');
    await writeFile(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'emu', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
        users: [{ name: 'entra', user: { token } }],
        contexts: [{ name: 'emu', context: { cluster: 'emu', user: 'entra' } }],
        'current-context': 'emu',
      }),
      { mode: 0o600 },
    );
    return path;
  }

  before(async () => {
    world = await startEntraCluster({
      name: 'verify',
      policy: { denyGuests: true, maxTokenAge: '2h' },
      rules: [
        { group: 'platform-admins', clusterRole: 'cluster-admin' },
        { group: 'developers', clusterRole: editor, namespaces: [namespace] },
      ],
      role: {
        namespace,
        name: editor,
        rules: ['{apiGroups: [""], resources: [configmaps], verbs: [get, list, create]}'],
      },
    });
    ({ entra, cluster, dir, accessPath, accessFile } = world);
  });

  after(() => world?.stop());

  it('passes every check on the correctly configured cluster (table and exit status 0)', async () => {
    const json = await verifyAs(entra.users.developer);
    assert.equal(json.code, 0, `${json.stdout}\n${json.stderr}`);
    assert.deepEqual(json.failed, []);
    assert.equal(json.report.passed, true);
    assert.doesNotMatch(json.stderr, /warning/);
    assert.deepEqual(json.report.warnings, []);
    const statuses = Object.fromEntries(json.report.checks.map((check) => [check.id, check.status]));
    assert.deepEqual(statuses, {
      'issuer-discovery': 'pass',
      'sign-in': 'pass',
      'token-issuer': 'pass',
      audience: 'pass',
      policy: 'pass',
      'token-accepted': 'pass',
      'identity-mapping': 'pass',
      'groups-claim': 'pass',
      bindings: 'pass',
      baseline: 'pass',
      'rbac-risks': 'pass',
      'jit-groups': 'pass',
    });
    const accepted = json.report.checks.find((check) => check.id === 'token-accepted');
    assert.equal(accepted?.summary, `authenticated as entra:${entra.users.developer.oid}`);

    const table = await kentra.run(
      [
        'verify',
        '--access',
        accessPath,
        '--login-hint',
        entra.users.developer.upn,
        '--browser-command',
        standInBrowser,
      ],
      { cwd: dir, env: await env(entra.users.developer) },
    );
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ {2}PASS {2}bindings +2 kentra-managed binding\(s\), none drifted$/m);
    assert.match(table.stdout, /12 passed, 0 failed, 0 skipped/);
  });

  it('passes for a user in no mapped group too: no groups in the token, and Graph confirms none', async () => {
    const result = await verifyAs(entra.users.noGroups);
    assert.equal(result.code, 0, result.stderr);
    const line = result.report.checks.find((check) => check.id === 'groups-claim');
    assert.equal(line?.summary, 'no groups in the token, and Entra agrees: the user is in no group');
  });

  it('warns when clusters of different environments accept the same audience, and still verifies (#14.7)', async () => {
    const shared = await writeAccess('shared-audience.yaml', (file) => {
      const [emu] = file.clusters as Record<string, unknown>[];
      file.clusters = [
        { ...emu, environment: 'staging', audience: entra.clientId },
        { name: 'prod', environment: 'production', audience: entra.clientId },
      ];
    });
    const result = await verifyAs(entra.users.developer, ['--cluster', 'emu'], shared);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `warning: clusters emu \\(staging\\) and prod \\(production\\) accept the same audience ${entra.clientId}: a token captured at one works at the other`,
      ),
    );
    assert.equal(result.report.warnings.length, 1, 'the -o json report carries the warning for scripts');
    assert.match(
      result.report.warnings[0] ?? '',
      /^clusters emu \(staging\) and prod \(production\) accept the same audience /,
    );
  });

  it('fails token-issuer on a v1/v2 issuer mix-up, and issuer-discovery on an issuer with no such discovery', async () => {
    const v1 = await writeAccess('v1.yaml', (file) => {
      (file.tenant as Record<string, unknown>).issuer = entra.issuerV1;
    });
    const mixUp = await verifyAs(entra.users.developer, [], v1);
    assert.equal(mixUp.code, 1);
    assert.deepEqual(mixUp.failed, ['token-issuer']);
    const line = mixUp.report.checks.find((check) => check.id === 'token-issuer');
    assert.match(
      line?.summary ?? '',
      /v2 issuer but the access file configures the v1 issuer: a v1\/v2 mix-up/,
    );
    assert.match(mixUp.stderr, /\[verify\.failed\]: 1 of 12 checks failed on cluster "emu": token-issuer/);

    const bare = await writeAccess('bare.yaml', (file) => {
      (file.tenant as Record<string, unknown>).issuer = `${entra.url}/${entra.tenantId}`;
    });
    const wrong = await verifyAs(entra.users.developer, [], bare);
    assert.deepEqual(wrong.failed, ['issuer-discovery', 'token-issuer']);
    const discovery = wrong.report.checks.find((check) => check.id === 'issuer-discovery');
    assert.match(
      discovery?.summary ?? '',
      /is the v1 issuer but the access file configures another URL: a v1\/v2 mix-up/,
    );
  });

  it('fails audience when the kubeconfig signs in to another app, and tells the 401 apart', async () => {
    // The operator's kubeconfig (reads RBAC) plus a context whose token is for another app.
    const token = await entra.control.mintIdToken({
      user: entra.users.developer.upn,
      clientId: entra.otherClientId,
    });
    const config = parse(await readFile(cluster.adminKubeconfig, 'utf8')) as {
      clusters: { name: string }[];
      users: unknown[];
      contexts: unknown[];
    };
    config.users.push({ name: 'other-app', user: { token } });
    config.contexts.push({
      name: 'other-app',
      context: { cluster: config.clusters[0]?.name, user: 'other-app' },
    });
    const kubeconfig = join(dir, 'other-app.kubeconfig');
    await writeFile(kubeconfig, stringify(config), { mode: 0o600 });
    const result = await verifyAs(entra.users.developer, [
      '--kubeconfig',
      kubeconfig,
      '--user-context',
      'other-app',
    ]);
    assert.equal(result.code, 1);
    assert.deepEqual(result.failed, ['audience', 'token-accepted']);
    const line = result.report.checks.find((check) => check.id === 'audience');
    assert.equal(
      line?.summary,
      `the token's aud is ${entra.otherClientId} but the access file accepts ${entra.clientId}`,
    );
    const accepted = result.report.checks.find((check) => check.id === 'token-accepted');
    assert.match(
      accepted?.summary ?? '',
      /^401 Unauthorized: the API server did not authenticate the token$/,
    );
  });

  it('fails baseline when system:authenticated is bound to a broad role', async () => {
    const bind = await kubectl(cluster.adminKubeconfig, [
      ...[
        'create',
        'clusterrolebinding',
        'everyone-views',
        '--clusterrole=view',
        '--group=system:authenticated',
      ],
    ]);
    assert.equal(bind.code, 0, bind.stderr);
    try {
      const result = await verifyAs(entra.users.developer);
      assert.equal(result.code, 1);
      assert.deepEqual(result.failed, ['baseline']);
      const line = result.report.checks.find((check) => check.id === 'baseline') as CheckJson & {
        details: string[];
      };
      assert.deepEqual(line.details, [
        'broad-baseline: ClusterRoleBinding everyone-views gives ClusterRole view to every signed-in user cluster-wide',
      ]);
    } finally {
      await kubectl(cluster.adminKubeconfig, ['delete', 'clusterrolebinding', 'everyone-views']);
    }
  });

  it('fails bindings when a kentra-managed binding drifted, and passes again after rbac apply', async () => {
    const listed = await kubectl(cluster.adminKubeconfig, [
      ...['get', 'rolebindings', '-n', namespace, '-l', 'kentra.dev/access-file=verify', '-o', 'name'],
    ]);
    const binding = listed.stdout.trim();
    assert.match(binding, /^rolebinding\.rbac\.authorization\.k8s\.io\/kentra:developers-/);
    const patch = await kubectl(cluster.adminKubeconfig, [
      ...['patch', '-n', namespace, binding, '--type=json'],
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/subjects/-',
          value: { kind: 'User', name: 'mallory', apiGroup: 'rbac.authorization.k8s.io' },
        },
      ]),
    ]);
    assert.equal(patch.code, 0, patch.stderr);
    const drifted = await verifyAs(entra.users.developer);
    assert.equal(drifted.code, 1);
    assert.deepEqual(drifted.failed, ['bindings']);
    const line = drifted.report.checks.find((check) => check.id === 'bindings') as CheckJson & {
      details: string[];
    };
    assert.deepEqual(line.details, [`changed: RoleBinding ${namespace}/${binding.split('/')[1]} (subjects)`]);

    const applied = await kentra.run(['rbac', 'apply', '--access', accessPath], {
      cwd: dir,
      env: await env(entra.users.admin),
    });
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual((await verifyAs(entra.users.developer)).failed, []);
  });

  it('fails groups-claim for a token in the groups-overage form (more than 200 groups)', async () => {
    const result = await verifyAs(entra.users.manyGroups);
    assert.equal(result.code, 1);
    assert.ok(result.failed.includes('groups-claim'), result.failed.join());
    const line = result.report.checks.find((check) => check.id === 'groups-claim');
    assert.match(line?.summary ?? '', /groups-overage form/);
    // The access file's policy (groupOverage: reject) is what the API server enforced: 401, explained.
    assert.deepEqual(result.failed, ['policy', 'token-accepted', 'groups-claim']);
  });

  it('whoami shows the Kubernetes and the Entra view of a demo user, equal to what kubectl sees', async () => {
    const kubeconfig = join(dir, 'devi.kubeconfig');
    const written = await kentra.run(
      [
        'kubeconfig',
        ...['--kubeconfig', kubeconfig, '--cluster-name', 'emu', '--server', cluster.server],
        ...['--certificate-authority', cluster.caFile, '--context', 'devi', '--use-context'],
        ...['--tenant', entra.tenantId, '--client-id', entra.clientId, '--authority', entra.url],
        ...['--idp-certificate-authority', entra.caFile, '--login-hint', entra.users.developer.upn],
        ...['--browser-command', standInBrowser, '--command', kentra.executable],
      ],
      { cwd: dir, env: await env(entra.users.developer) },
    );
    assert.equal(written.code, 0, written.stderr);
    const userEnv = await env(entra.users.developer);
    const table = await kentra.run(['whoami', '--kubeconfig', kubeconfig, '--access', accessPath], {
      cwd: dir,
      env: userEnv,
    });
    assert.equal(table.code, 0, table.stderr);
    const devi = entra.users.developer;
    assert.match(table.stdout, new RegExp(`username +entra:${devi.oid}`));
    assert.match(table.stdout, new RegExp(`entra:group:${entra.groups.developers} +\\(developers\\)`));
    assert.match(table.stdout, new RegExp(`name +${devi.displayName}`));
    assert.match(table.stdout, new RegExp(`UPN +${devi.upn}`));
    assert.match(table.stdout, new RegExp(`${entra.groups.developers} +developers`));
    assert.doesNotMatch(table.stderr, /warning/);

    const json = await kentra.run(
      ['whoami', '--kubeconfig', kubeconfig, '--access', accessPath, '-o', 'json'],
      {
        cwd: dir,
        env: userEnv,
      },
    );
    const view = JSON.parse(json.stdout) as {
      kubernetes: { accepted: boolean; user: { username: string; groups: string[] } };
      entra: {
        oid: string;
        tenantId: string;
        groupsOverage: boolean;
        groups: { id: string; name: string }[];
      };
    };
    assert.equal(view.entra.oid, devi.oid);
    assert.equal(view.entra.tenantId, entra.tenantId);
    assert.equal(view.entra.groupsOverage, false);
    assert.ok(
      view.entra.groups.some((group) => group.id === entra.groups.developers && group.name === 'developers'),
    );
    // The real kubectl, running kentra get-token from the same kubeconfig, sees the same user.
    const viaKubectl = await kubectl(kubeconfig, ['auth', 'whoami', '-o', 'json'], { env: userEnv });
    assert.equal(viaKubectl.code, 0, viaKubectl.stderr);
    const info = JSON.parse(viaKubectl.stdout).status.userInfo as { username: string; groups: string[] };
    assert.equal(info.username, view.kubernetes.user.username);
    assert.deepEqual(info.groups, view.kubernetes.user.groups);
  });

  it('whoami warns about the groups-overage form for the manyGroups user', async () => {
    const { idToken } = await entra.signInWithPassword({ user: entra.users.manyGroups });
    const kubeconfig = await tokenKubeconfig('manny.kubeconfig', idToken);
    const result = await kentra.run(['whoami', '--kubeconfig', kubeconfig, '--access', accessPath], {
      cwd: dir,
      env: await env(entra.users.manyGroups),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: the token is in the groups-overage form/);
    assert.match(result.stdout, /groups +overage: the token lists no groups \(Graph: member of \d{3,}\)/);
    assert.match(result.stdout, /not authenticated: 401/);
    assert.match(result.stdout, new RegExp(`UPN +${entra.users.manyGroups.upn}`));
  });
});
