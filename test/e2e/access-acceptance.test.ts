/**
 * Issue #5 acceptance, end to end: the AuthenticationConfiguration that
 * `kentra cluster config` renders for the emulator's demo tenant runs in a
 * real kube-apiserver; `kentra rbac apply` binds the demo groups (names
 * resolved through the emulator's Graph); demo users sign in through the
 * emulator (auth code + PKCE, MFA for authentication context c1) and the
 * real kubectl shows each can do exactly what their groups grant. A guest
 * and a token without the required authentication context are rejected.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { ControlPlane } from '../harness/control-plane.js';
import type { DemoUser, EmulatorHandle } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { runCli } from '../helpers/cli.js';
import { type EntraCluster, startEntraCluster } from '../helpers/entra-cluster.js';
import { tokenKubeconfig } from '../helpers/token-kubeconfig.js';

const namespace = 'shop';
const editor = 'shop-editor';
const stepUp = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });

describe('issue #5 acceptance: demo users signed in through the emulator, on the rendered config', () => {
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let dir: string;
  let accessPath: string;
  let world: EntraCluster;

  const _kentra = async (args: string[]) =>
    runCli([...args, '--access', accessPath], {
      cwd: dir,
      env: { KUBECONFIG: cluster.adminKubeconfig, KENTRA_GRAPH_TOKEN: await entra.graphToken() },
    });

  async function kubeconfigFor(token: string): Promise<string> {
    const path = join(dir, `user-${Math.random().toString(36).slice(2)}.kubeconfig`);
    await writeFile(path, tokenKubeconfig(cluster.server, cluster.caPem, token), { mode: 0o600 });
    return path;
  }

  /** An access token for the kentra app with authentication context c1 (the sign-in asks for MFA). */
  async function signIn(user: DemoUser, claims: string | undefined = stepUp): Promise<string> {
    const tokens = await entra.signInWithPassword({
      user,
      scope: `api://${entra.clientId}/user_impersonation openid profile offline_access`,
      ...(claims ? { claims } : {}),
    });
    return tokens.accessToken;
  }

  before(async () => {
    world = await startEntraCluster({
      name: 'acceptance',
      policy: { denyGuests: true, requireAuthenticationContext: 'c1', maxTokenAge: '2h' },
      rules: [
        { group: 'platform-admins', clusterRole: 'cluster-admin' },
        { group: 'developers', clusterRole: editor, namespaces: [namespace] },
        { group: 'viewers', clusterRole: 'view' },
      ],
      role: {
        namespace,
        name: editor,
        rules: [
          '{apiGroups: [apps], resources: [deployments], verbs: [get, list, create, update, patch, delete]}',
          '{apiGroups: [""], resources: [configmaps], verbs: [get, list, create]}',
        ],
      },
      // The policy asks for authentication context c1: an access token with it passes.
      probeToken: async (emulator) => {
        entra = emulator;
        return signIn(emulator.users.developer);
      },
    });
    ({ entra, cluster, dir, accessPath } = world);
    assert.equal(
      world.authenticationConfig.jwt[0]?.issuer.url,
      entra.issuer,
      'the derived issuer is the emulator v2 issuer',
    );
    assert.match(world.applied.stdout, /Plan: 3 to create/);
  });

  after(() => world?.stop());

  it('each demo user can do exactly what their groups grant (kubectl auth can-i)', async () => {
    const table: [keyof EmulatorHandle['users'], string[], boolean][] = [
      ['admin', ['*', '*', '-A'], true],
      ['admin', ['delete', 'nodes'], true],
      ['developer', ['create', 'deployments', '-n', namespace], true],
      ['developer', ['create', 'configmaps', '-n', namespace], true],
      ['developer', ['get', 'secrets', '-n', namespace], false],
      ['developer', ['create', 'deployments', '-n', 'default'], false],
      ['developer', ['delete', 'namespaces'], false],
      ['noGroups', ['get', 'deployments', '-n', namespace], false],
      ['noGroups', ['get', 'pods', '-n', 'default'], false],
      ['noGroups', ['list', 'namespaces'], false],
    ];
    const kubeconfigs = new Map<string, string>();
    for (const [user, args, allowed] of table) {
      let config = kubeconfigs.get(user);
      if (!config) {
        config = await kubeconfigFor(await signIn(entra.users[user]));
        kubeconfigs.set(user, config);
      }
      const result = await kubectl(config, ['auth', 'can-i', ...args]);
      assert.ok(result.code === 0 || result.code === 1, `${user} ${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout.trim(), allowed ? 'yes' : 'no', `${user} can-i ${args.join(' ')}`);
    }
  });

  it('the user in no mapped group is authenticated but has only the authenticated baseline', async () => {
    const config = await kubeconfigFor(await signIn(entra.users.noGroups));
    const whoami = await kubectl(config, ['auth', 'whoami', '-o', 'json']);
    assert.equal(whoami.code, 0, whoami.stderr);
    const info = JSON.parse(whoami.stdout).status.userInfo as { username: string; groups: string[] };
    assert.equal(info.username, `entra:${entra.users.noGroups.oid}`);
    assert.deepEqual(info.groups, ['system:authenticated']);
    const list = await kubectl(config, ['auth', 'can-i', '--list', '-n', namespace]);
    const resources = list.stdout
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((cell) => cell !== '' && !cell.startsWith('['));
    assert.deepEqual(resources.sort(), [
      'selfsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
      'selfsubjectrulesreviews.authorization.k8s.io',
    ]);
  });

  it('maps the developer exactly as rendered: prefixed oid and group, uti and sid for the audit join', async () => {
    const token = await signIn(entra.users.developer);
    const claims = decodeJwt(token);
    assert.deepEqual(claims.acrs, ['c1']);
    const whoami = await kubectl(await kubeconfigFor(token), ['auth', 'whoami', '-o', 'json']);
    assert.equal(whoami.code, 0, whoami.stderr);
    const info = JSON.parse(whoami.stdout).status.userInfo as {
      username: string;
      groups: string[];
      extra: Record<string, string[]>;
    };
    assert.equal(info.username, `entra:${entra.users.developer.oid}`);
    assert.ok(info.groups.includes(`entra:group:${entra.groups.developers}`));
    assert.deepEqual(info.extra['kentra.dev/uti'], [claims.uti]);
    assert.deepEqual(info.extra['kentra.dev/sid'], [claims.sid]);
    assert.ok(entra.control.signIns().some((signIn) => signIn.uniqueTokenIdentifier === claims.uti));
  });

  it('rejects a token without the required authentication context, and an ID token (no acrs)', async () => {
    const plain = await entra.signInWithPassword({
      user: entra.users.admin,
      scope: `api://${entra.clientId}/user_impersonation openid profile offline_access`,
    });
    assert.equal(decodeJwt(plain.accessToken).acrs, undefined);
    for (const token of [plain.accessToken, plain.idToken]) {
      const result = await kubectl(await kubeconfigFor(token), ['auth', 'whoami']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Unauthorized|must be logged in/i);
    }
  });

  it('rejects a guest at authentication, even after MFA step-up, while a member with the same sign-in passes', async () => {
    const token = await signIn(entra.users.guest);
    const claims = decodeJwt(token);
    assert.deepEqual(claims.acrs, ['c1'], 'the guest satisfied the authentication context');
    assert.equal(typeof claims.idp, 'string', 'a B2B guest carries the home tenant in idp');
    const result = await kubectl(await kubeconfigFor(token), ['auth', 'whoami']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Unauthorized|must be logged in/i);
    const member = await kubectl(await kubeconfigFor(await signIn(entra.users.developer)), [
      'auth',
      'whoami',
    ]);
    assert.equal(member.code, 0, member.stderr);
  });
});
