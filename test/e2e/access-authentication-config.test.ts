/**
 * The AuthenticationConfiguration kentra renders, loaded into the real
 * kube-apiserver: it starts and becomes ready, it maps and judges every case
 * of the shared claim table exactly as kentra's TypeScript evaluator does,
 * and a broken configuration keeps the API server from starting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  authenticationConfigApiVersion,
  renderAuthenticationConfiguration,
} from '../../src/domain/cluster-config/authentication-config.js';
import { authenticateClaims } from '../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../src/domain/identity/from-access-file.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { claimCases, claimTableAccess } from '../helpers/claim-table.js';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.js';
import { whoAmI } from '../helpers/whoami.js';

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
    const firstToken = await issuer.sign(first.claims);
    for (
      let attempt = 0;
      (await whoAmI(cluster.server, cluster.caPem, firstToken)).status !== 201;
      attempt++
    ) {
      assert.ok(attempt < 50, 'the API server never accepted a valid token');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const { name, claims, expect } of cases) {
      const local = authenticateClaims(authenticator, claims);
      const remote = await whoAmI(cluster.server, cluster.caPem, await issuer.sign(claims));
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
