/**
 * Fidelity proof: the real kube-apiserver's structured JWT authenticator trusts the emulator's
 * v2 issuer (discovery, JWKS, inline CA) and the real kubectl shows who the token maps to. Tokens
 * for another audience, expired tokens and tokens signed by a rotated-out key are rejected.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { stringify } from 'yaml';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';

const usernamePrefix = 'entra:';

function authenticationConfig(entra: EmulatorHandle): string {
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: entra.issuer, audiences: [entra.clientId], certificateAuthority: entra.caPem },
        claimMappings: {
          username: { claim: 'oid', prefix: usernamePrefix },
          groups: { claim: 'groups', prefix: '' },
          extra: [
            { key: 'kentra.io/uti', valueExpression: 'claims.uti' },
            { key: 'kentra.io/sid', valueExpression: 'claims.sid' },
          ],
        },
      },
    ],
  });
}

interface WhoAmI {
  status: { userInfo: { username: string; groups?: string[]; extra?: Record<string, string[]> } };
}

describe('emulator fidelity: kube-apiserver OIDC authentication and kubectl', () => {
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let dir: string;
  let retiredKeyToken: string;

  async function whoami(token: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const path = join(dir, `token-${Math.random().toString(36).slice(2)}.kubeconfig`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: cluster.server,
            'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64'),
          },
        },
      ],
      users: [{ name: 'entra', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'entra' } }],
      'current-context': 'test',
    };
    await writeFile(path, stringify(config), { mode: 0o600 });
    return kubectl(path, ['auth', 'whoami', '-o', 'json']);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-emulator-kube-'));
    entra = await startEmulator();
    // A token signed by the first key, which is then retired before the apiserver ever sees it.
    retiredKeyToken = (await entra.signInWithPassword({ user: entra.users.admin })).idToken;
    await entra.control.rotateKeys({ retirePrevious: true });
    cluster = await startControlPlane({ authenticationConfig: authenticationConfig(entra) });
    // The apiserver fetches discovery in the background and retries every 10 s: wait for a good token to pass.
    const probe = (await entra.signInWithPassword({ user: entra.users.developer })).idToken;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const result = await whoami(probe);
      if (result.code === 0) break;
      if (Date.now() > deadline)
        throw new Error(`the apiserver never accepted an emulator token: ${result.stderr}`);
      await sleep(500);
    }
  });

  after(async () => {
    await cluster?.stop();
    await entra?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('maps oid to the username and group object IDs to groups', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.admin });
    const result = await whoami(tokens.idToken);
    assert.equal(result.code, 0, result.stderr);
    const info = (JSON.parse(result.stdout) as WhoAmI).status.userInfo;
    assert.equal(info.username, `${usernamePrefix}${entra.users.admin.oid}`);
    assert.ok(info.groups?.includes(entra.groups['platform-admins'] ?? 'missing'));
    assert.ok(info.groups?.includes(entra.groups['all-engineers'] ?? 'missing'));
    assert.ok(info.groups?.includes('system:authenticated'));
    const claims = decodeJwt(tokens.idToken);
    assert.deepEqual(
      info.extra?.['kentra.io/uti'],
      [claims.uti],
      'uti reaches Kubernetes for the audit join',
    );
    assert.deepEqual(info.extra?.['kentra.io/sid'], [claims.sid]);
    const signIn = entra.control.signIns().find((s) => s.uniqueTokenIdentifier === claims.uti);
    assert.equal(signIn?.userId, entra.users.admin.oid);
  });

  it('accepts a v2 access token for the kentra API (the resource asks for v2) and rejects a v1 one', async () => {
    const tokens = await entra.signInWithPassword({
      user: entra.users.developer,
      scope: `api://${entra.clientId}/user_impersonation openid profile offline_access`,
    });
    const claims = decodeJwt(tokens.accessToken);
    assert.equal(claims.ver, '2.0');
    const accepted = await whoami(tokens.accessToken);
    assert.equal(accepted.code, 0, accepted.stderr);
    const info = (JSON.parse(accepted.stdout) as WhoAmI).status.userInfo;
    assert.equal(info.username, `${usernamePrefix}${entra.users.developer.oid}`);
    // A v1 token (Graph's) has the v1 issuer and another audience: the v2 issuer config refuses it.
    const v1 = await entra.signInWithPassword({ user: entra.users.developer });
    assert.equal(decodeJwt(v1.accessToken).ver, '1.0');
    const rejected = await whoami(v1.accessToken);
    assert.notEqual(rejected.code, 0);
  });

  it('rejects a token for another audience', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.admin, clientId: entra.otherClientId });
    const result = await whoami(tokens.idToken);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Unauthorized|must be logged in/i);
  });

  it('rejects an expired token', async () => {
    const expired = await entra.control.mintIdToken({
      user: entra.users.admin.upn,
      clientId: entra.clientId,
      issuedAtOffsetSeconds: -7200,
      lifetimeSeconds: 3600,
    });
    const result = await whoami(expired);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Unauthorized|must be logged in/i);
    const fresh = await entra.control.mintIdToken({ user: entra.users.admin.upn, clientId: entra.clientId });
    assert.equal((await whoami(fresh)).code, 0, 'the same minting path with a valid lifetime passes');
  });

  it('rejects a token signed by a rotated-out key', async () => {
    const result = await whoami(retiredKeyToken);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Unauthorized|must be logged in/i);
    assert.deepEqual(entra.serverErrors, []);
  });
});
