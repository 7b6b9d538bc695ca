/**
 * The AuthenticationConfiguration kentra renders, loaded into the real
 * kube-apiserver: it starts and becomes ready, it maps and judges every case
 * of the shared claim table exactly as kentra's TypeScript evaluator does,
 * and a broken configuration keeps the API server from starting.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  authenticationConfigApiVersion,
  renderAuthenticationConfiguration,
} from '../../src/domain/cluster-config/authentication-config.js';
import { renderLegacyFlags } from '../../src/domain/cluster-config/legacy-flags.js';
import { authenticateClaims } from '../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../src/domain/identity/from-access-file.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { claimCases, claimTableAccess } from '../helpers/claim-table.js';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.js';
import { untilAccepted, whoAmI } from '../helpers/whoami.js';

const quiet = () => {};
const ours = (extra: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(extra).filter(([key]) => key.startsWith('kentra.dev/')));

describe('rendered AuthenticationConfiguration on the real kube-apiserver', () => {
  let issuer: TestIssuer;
  let cluster: ControlPlane | undefined;

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await cluster?.stop();
    await issuer.close();
  });

  it('v1 config: the API server starts, and agrees with kentra on every case of the claim table', async () => {
    const file = claimTableAccess(issuer.origin);
    const authenticator = authenticatorFromAccessFile(file, file.app.clientId ?? '');
    const apiVersion = authenticationConfigApiVersion('1.36');
    assert.equal(apiVersion, 'apiserver.config.k8s.io/v1');
    const config = renderAuthenticationConfiguration(authenticator, {
      apiVersion,
      certificateAuthority: issuer.caPem,
    });
    cluster = await startControlPlane({ authenticationConfig: stringify(config), log: quiet });
    await issuer.discoveryFetched;
    const cases = claimCases(file);
    const first = cases[0];
    assert.ok(first && first.expect !== 'reject');
    // The authenticator becomes ready shortly after fetching discovery; wait for the first good answer.
    const firstToken = await issuer.signExact(first.claims);
    await untilAccepted(cluster.server, cluster.caPem, firstToken, { attempts: 50 });
    for (const { name, claims, expect } of cases) {
      const local = authenticateClaims(authenticator, claims);
      const remote = await whoAmI(cluster.server, cluster.caPem, await issuer.signExact(claims));
      if (expect === 'reject') {
        assert.equal(remote.status, 401, `${name}: the API server should reject`);
        assert.equal(local.authenticated, false, `${name}: kentra should reject`);
        continue;
      }
      assert.equal(remote.status, 201, `${name}: the API server should accept`);
      assert.ok(local.authenticated, `${name}: kentra should accept`);
      const apiserverUser = remote.user;
      assert.ok(apiserverUser);
      assert.equal(apiserverUser.username, local.user.username, name);
      assert.deepEqual(
        apiserverUser.groups.filter((group) => group !== 'system:authenticated'),
        local.user.groups,
        name,
      );
      assert.deepEqual(ours(apiserverUser.extra), local.user.extra, name);
    }
  });

  /** Starts a control plane, waits until `good` claims authenticate, and returns it (stopped by the caller). */
  async function readyWith(options: Parameters<typeof startControlPlane>[0], good: Record<string, unknown>) {
    const plane = await startControlPlane({ ...options, log: quiet });
    await issuer.discoveryFetched;
    const token = await issuer.signExact(good);
    try {
      await untilAccepted(plane.server, plane.caPem, token, { attempts: 50 });
    } catch (error) {
      await plane.stop();
      throw error;
    }
    return plane;
  }

  it('v1beta1 config (for 1.30-1.33) is accepted too, and maps the same user', async () => {
    const file = claimTableAccess(issuer.origin);
    const authenticator = authenticatorFromAccessFile(file, file.app.clientId ?? '');
    const config = renderAuthenticationConfiguration(authenticator, {
      apiVersion: authenticationConfigApiVersion('1.32'),
      certificateAuthority: issuer.caPem,
    });
    assert.equal(config.apiVersion, 'apiserver.config.k8s.io/v1beta1');
    const [member] = claimCases(file);
    assert.ok(member);
    const plane = await readyWith({ authenticationConfig: stringify(config) }, member.claims);
    try {
      const remote = await whoAmI(plane.server, plane.caPem, await issuer.signExact(member.claims));
      const local = authenticateClaims(authenticator, member.claims);
      assert.ok(local.authenticated);
      assert.equal(remote.user?.username, local.user.username);
    } finally {
      await plane.stop();
    }
  });

  it('legacy --oidc-* flags start the API server and map username and groups with the same prefixes', async () => {
    const file = claimTableAccess(issuer.origin);
    const dir = await mkdtemp(join(tmpdir(), 'kentra-flags-'));
    const caFilePath = join(dir, 'issuer-ca.pem');
    await writeFile(caFilePath, issuer.caPem);
    const { flags } = renderLegacyFlags({
      issuer: file.tenant.issuer,
      clientId: file.app.clientId ?? '',
      extraAudiences: [],
      identity: file.identity,
      policy: { ...file.policy, allowedTenants: [file.tenant.id] },
      caFilePath,
    });
    const [member] = claimCases(file);
    assert.ok(member);
    const plane = await readyWith({ extraArgs: flags }, member.claims);
    try {
      const remote = await whoAmI(plane.server, plane.caPem, await issuer.signExact(member.claims));
      assert.equal(remote.user?.username, `entra:${member.claims.oid}`);
      assert.deepEqual(
        remote.user?.groups.filter((group) => group !== 'system:authenticated'),
        (member.claims.groups as string[]).map((group) => `entra:group:${group}`),
      );
      const foreign = await whoAmI(
        plane.server,
        plane.caPem,
        await issuer.signExact({ ...member.claims, tid: '99999999-0d1f-4a3c-9b5d-7e9f1a3c5e7b' }),
      );
      assert.equal(foreign.status, 401, 'the required tid claim pins the tenant');
      // What the flags cannot express is really not enforced: a guest gets in.
      const guest = await whoAmI(
        plane.server,
        plane.caPem,
        await issuer.signExact({ ...member.claims, acct: 1 }),
      );
      assert.equal(guest.status, 201);
    } finally {
      await plane.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a broken configuration (an invalid CEL expression) keeps the API server from starting', async () => {
    const file = claimTableAccess(issuer.origin);
    const config = renderAuthenticationConfiguration(
      authenticatorFromAccessFile(file, file.app.clientId ?? ''),
      {
        apiVersion: 'apiserver.config.k8s.io/v1',
        certificateAuthority: issuer.caPem,
      },
    );
    const [jwt] = config.jwt;
    assert.ok(jwt);
    jwt.claimValidationRules.push({ expression: 'claims.tid ==', message: 'broken on purpose' });
    await assert.rejects(
      startControlPlane({ authenticationConfig: stringify(config), log: quiet }),
      /kube-apiserver exited unexpectedly/,
    );
  });
});
