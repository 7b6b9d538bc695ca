/**
 * One audience per cluster or environment, and an allow-list of client apps
 * (#14.7): a token captured at one cluster (by an operator, a log pipeline or
 * a webhook) must not work at another, and only the listed client apps may
 * present tokens. The same objects become the API server's CEL and the
 * webhook's checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedAudienceWarnings } from '../../../../src/domain/access/audiences.js';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { renderAuthenticationConfiguration } from '../../../../src/domain/cluster-config/authentication-config.js';
import { authenticateClaims } from '../../../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../../../src/domain/identity/from-access-file.js';

const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
const clientId = '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c';
const portal = 'c0ffee00-0000-4000-8000-000000000001';
const file = (clusters: Record<string, unknown>[], policy: Record<string, unknown> = {}) => {
  const parsed = parseAccessFile({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: tenant },
    app: { clientId },
    clusters,
    policy,
    rules: [],
  });
  assert.ok(parsed.file, JSON.stringify(parsed.issues));
  return parsed.file;
};
const claims = (extra: Record<string, unknown>) => ({
  iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
  tid: tenant,
  oid: '11111111-1111-4111-8111-111111111111',
  iat: 1,
  exp: 2,
  ...extra,
});

describe('per-cluster audience', () => {
  const prodApp = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
  const stagingApp = '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c';
  const access = file([
    { name: 'prod', environment: 'production', audience: prodApp },
    { name: 'staging', environment: 'staging', audience: stagingApp },
  ]);

  it("a cluster's authenticator accepts its own audience only", () => {
    const [prod, staging] = access.clusters;
    const prodAuth = authenticatorFromAccessFile(access, clientId, prod);
    assert.deepEqual(prodAuth.audiences, [prodApp]);
    assert.equal(authenticateClaims(prodAuth, claims({ aud: prodApp })).authenticated, true);
    const stolen = authenticateClaims(prodAuth, claims({ aud: stagingApp }));
    assert.deepEqual(stolen, { authenticated: false, reason: 'audience does not match' });
    assert.deepEqual(authenticatorFromAccessFile(access, clientId, staging).audiences, [stagingApp]);
  });

  it('the rendered AuthenticationConfiguration names the cluster audience', () => {
    const config = renderAuthenticationConfiguration(
      authenticatorFromAccessFile(access, clientId, access.clusters[0]),
      { apiVersion: 'apiserver.config.k8s.io/v1' },
    );
    assert.deepEqual(config.jwt[0]?.issuer.audiences, [prodApp]);
  });

  it('an environment whose app setup has not made yet accepts nothing (never the shared app)', () => {
    const fresh = file([{ name: 'prod', environment: 'production' }]);
    assert.deepEqual(authenticatorFromAccessFile(fresh, clientId, fresh.clusters[0]).audiences, []);
  });

  it('refuses an app ID URI audience with v2 tokens, and with an environment', () => {
    const issues = (clusters: Record<string, unknown>[], app: Record<string, unknown> = { clientId }) =>
      parseAccessFile({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'Access',
        tenant: { id: tenant },
        app,
        clusters,
        rules: [],
      }).issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.match(
      issues([{ name: 'prod', audience: 'api://kentra-prod' }])[0] ?? '',
      /clusters\.0\.audience: .*v2 access tokens and every ID token carry a client ID as aud/,
    );
    assert.deepEqual(
      issues([{ name: 'prod', audience: 'api://kentra-prod' }], { clientId, tokenVersion: 1 }),
      [],
    );
    assert.match(
      issues([{ name: 'prod', environment: 'production', audience: 'api://kentra-prod' }], {
        clientId,
        tokenVersion: 1,
      })[0] ?? '',
      /an app ID URI cannot be the audience of environment "production"/,
    );
    assert.match(
      issues([
        { name: 'a', environment: 'production', audience: prodApp },
        { name: 'b', environment: 'production', audience: stagingApp },
      ])[0] ?? '',
      /clusters\.1\.audience: clusters of environment "production" share one app/,
    );
  });

  it('warns when clusters of different environments share an audience', () => {
    assert.deepEqual(sharedAudienceWarnings(access), []);
    const shared = file([
      { name: 'prod', environment: 'production', audience: prodApp },
      { name: 'dev', environment: 'development', audience: prodApp },
      { name: 'prod-2', environment: 'production', audience: prodApp },
    ]);
    const warnings = sharedAudienceWarnings(shared);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /clusters prod \(production\) and dev \(development\) accept the same audience .*kentra entra setup/,
    );

    // A cluster without an environment accepts app.clientId: an environment naming it shares it.
    const mixed = file([
      { name: 'legacy' },
      { name: 'prod', environment: 'production', audience: clientId },
      { name: 'staging', environment: 'staging', audience: stagingApp },
    ]);
    assert.deepEqual(
      sharedAudienceWarnings(mixed).map((warning) => warning.split(':')[0]),
      [`clusters legacy (no environment) and prod (production) accept the same audience ${clientId}`],
    );
    assert.deepEqual(sharedAudienceWarnings(file([{ name: 'a' }, { name: 'b' }])), [], 'no environments');
  });
});

describe('client app allow-list (azp / appid)', () => {
  const access = file([{ name: 'prod' }], { allowedClientApps: [portal] });
  const authenticator = authenticatorFromAccessFile(access, clientId, access.clusters[0]);
  const decide = (extra: Record<string, unknown>) =>
    authenticateClaims(authenticator, claims({ aud: clientId, ...extra }));

  it('admits a listed client (v2 azp, v1 appid) and kentra itself (an ID token: aud is the client)', () => {
    assert.equal(decide({ azp: portal }).authenticated, true);
    assert.equal(decide({ appid: portal }).authenticated, true);
    assert.equal(decide({}).authenticated, true, 'an ID token for the app itself');
    assert.equal(decide({ azp: clientId }).authenticated, true, "kentra's own client is always allowed");
  });

  it('refuses any other client, also when it sends both claims', () => {
    const other = 'bad00000-0000-4000-8000-000000000bad';
    assert.deepEqual(decide({ azp: other }), {
      authenticated: false,
      reason: 'token was issued to a client app that is not allowed (azp/appid)',
      rule: 'client-app',
    });
    assert.equal(decide({ appid: other }).authenticated, false);
    assert.equal(
      decide({ azp: other, appid: portal }).authenticated,
      false,
      'azp wins when both are present',
    );
  });

  it('is one CEL claim validation rule in the API server config', () => {
    const config = renderAuthenticationConfiguration(authenticator, {
      apiVersion: 'apiserver.config.k8s.io/v1',
    });
    const rule = config.jwt[0]?.claimValidationRules.find((item) => /azp/.test(item.expression));
    assert.ok(rule, 'a rule on azp');
    assert.match(rule.expression, new RegExp(portal));
    assert.match(rule.expression, /claims\.appid/);
  });
});
