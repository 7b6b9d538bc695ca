import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseAccessFile } from '../../../src/domain/access/parse.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../../src/webhook/config.js';
import { JwksCache } from '../../../src/webhook/jwks-cache.js';
import { TokenValidator, type TokenValidatorOptions } from '../../../src/webhook/token-validator.js';
import { negativeTokens, otherEnvironmentApp } from '../../fixtures/negative-tokens.js';
import { startTestIssuer, type TestIssuer } from '../../helpers/test-issuer.js';

describe('TokenValidator', () => {
  let issuer: TestIssuer;
  const clock = Date.now();
  const now = () => clock;
  let jwks: JwksCache;

  function validator(overrides: Partial<TokenValidatorOptions> = {}): TokenValidator {
    return new TokenValidator({
      tenants: [issuer.tenantId],
      issuerVersions: ['v2'],
      issuerBases: issuer.bases,
      audiences: [issuer.clientId],
      allowedClientApps: [issuer.clientId],
      clockSkewSeconds: 60,
      maxTokenLength: 64 * 1024,
      now,
      keysFor: () => jwks,
      ...overrides,
    });
  }

  before(async () => {
    issuer = await startTestIssuer(now);
    jwks = new JwksCache({ jwksUri: issuer.jwksUri, fetch: issuer.fetch, now, minRefreshIntervalMs: 30_000 });
  });
  after(() => issuer.close());

  it('accepts a well-formed v2 token and returns its claims', async () => {
    const oid = randomUUID();
    const result = await validator().validate(await issuer.sign({ oid, groups: ['g1'] }));
    assert.equal(result.ok, true);
    assert.ok(result.ok);
    assert.equal(result.claims.oid, oid);
    assert.deepEqual(result.claims.groups, ['g1']);
    assert.equal(result.issuerVersion, 'v2');
  });

  it('accepts a v1 token when v1 is configured, and an expiry within the skew', async () => {
    const v1 = validator({ issuerVersions: ['v1', 'v2'] });
    const iss = `${issuer.bases.v1}/${issuer.tenantId}/`;
    const result = await v1.validate(await issuer.sign({ iss }));
    assert.ok(result.ok);
    assert.equal(result.issuerVersion, 'v1');
    const t = Math.floor(clock / 1000);
    const late = await validator().validate(await issuer.sign({ iat: t - 3600, nbf: t - 3600, exp: t - 30 }));
    assert.equal(late.ok, true, 'a token 30 s past exp is inside a 60 s skew');
  });

  for (const [name, reason, make] of negativeTokens)
    it(`rejects ${name} (${reason}) without echoing the token`, async () => {
      const token = await make(issuer, now);
      const result = await validator().validate(token);
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.equal(result.reason, reason, result.detail);
      const signature = token.split('.')[2] || token.slice(0, 40);
      assert.ok(!result.detail.includes(signature), 'the detail must not contain token material');
    });

  it("a webhook for one environment, configured from the access file, refuses the other environment's tokens (#14.7)", async () => {
    const listed = 'c11e0000-0000-4000-8000-0000000000c1';
    const access = parseAccessFile({
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'Access',
      tenant: { id: issuer.tenantId },
      app: { name: 'kentra' },
      clusters: [
        { name: 'staging', environment: 'staging', audience: issuer.clientId },
        { name: 'prod', environment: 'production', audience: otherEnvironmentApp },
      ],
      policy: { allowedClientApps: [listed] },
      rules: [],
    });
    assert.ok(access.file, JSON.stringify(access.issues));
    const document = parseWebhookConfig(
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'WebhookConfiguration',
        accessFile: 'kentra.yaml',
        entra: { audiences: [issuer.clientId] },
      }),
      'hook.yaml',
    );
    const { entra } = resolveWebhookConfig(document, access.file, 'hook.yaml');
    const staging = validator({
      tenants: entra.tenants,
      audiences: entra.audiences,
      allowedClientApps: entra.allowedClientApps,
    });
    const verdict = async (claims: Record<string, unknown>) => {
      const result = await staging.validate(await issuer.sign(claims));
      return result.ok ? 'ok' : result.reason;
    };
    assert.equal(await verdict({}), 'ok', "an ID token of staging's own app");
    assert.equal(await verdict({ azp: listed }), 'ok', 'an access token from a listed client');
    assert.equal(await verdict({ aud: otherEnvironmentApp }), 'audience_mismatch', "prod's ID token");
    assert.equal(await verdict({ azp: otherEnvironmentApp }), 'client_not_allowed', "prod's app as client");
  });

  it('refuses a clock skew above five minutes', () => {
    assert.throws(() => validator({ clockSkewSeconds: 600 }), /clock skew/);
  });
});

describe('JwksCache', () => {
  let issuer: TestIssuer;
  let clock = Date.now();
  const now = () => clock;
  before(async () => {
    issuer = await startTestIssuer(now);
  });
  after(() => issuer.close());

  it('fetches once, then rate-limits refreshes caused by unknown key ids', async () => {
    const cache = new JwksCache({
      jwksUri: issuer.jwksUri,
      fetch: issuer.fetch,
      now,
      minRefreshIntervalMs: 30_000,
    });
    assert.ok(await cache.keyFor(issuer.kid, 'RS256'));
    const afterFirst = cache.status().fetches;
    assert.equal(afterFirst, 1);
    for (let i = 0; i < 50; i++) assert.equal(await cache.keyFor(`invented-${i}`, 'RS256'), undefined);
    assert.equal(cache.status().fetches, 1, 'unknown kids inside the interval must not refetch');
    clock += 30_000;
    assert.equal(await cache.keyFor('invented-again', 'RS256'), undefined);
    assert.equal(cache.status().fetches, 2, 'after the interval one refetch is allowed');
  });

  it('recovers from an issuer that was down at start when the readiness probe asks', async () => {
    issuer.setDown(true);
    const cache = new JwksCache({
      jwksUri: issuer.jwksUri,
      fetch: issuer.fetch,
      now,
      minRefreshIntervalMs: 1000,
    });
    await cache.refresh();
    assert.equal(cache.status().keyCount, 0);
    issuer.setDown(false);
    cache.retryIfEmpty();
    assert.equal(cache.status().fetches, 1, 'no fetch before the rate-limit interval');
    clock += 1000;
    cache.retryIfEmpty();
    assert.equal(cache.status().fetches, 2);
    await cache.refresh(); // joins the fetch retryIfEmpty started
    assert.equal(cache.status().fetches, 2);
    assert.equal(cache.status().keyCount, 1);
  });

  it('keeps serving the last good keys while the issuer is down', async () => {
    const failures: string[] = [];
    const cache = new JwksCache({
      jwksUri: issuer.jwksUri,
      fetch: issuer.fetch,
      now,
      minRefreshIntervalMs: 1000,
      maxAgeMs: 5000,
      onRefreshFailed: (reason) => failures.push(reason),
    });
    await cache.refresh();
    issuer.setDown(true);
    try {
      clock += 60_000; // keys are now "old": a background refresh starts and fails
      assert.ok(await cache.keyFor(issuer.kid, 'RS256'), 'the known key is still served');
      await cache.refresh();
      assert.ok(await cache.keyFor(issuer.kid, 'RS256'));
      assert.equal(cache.status().keyCount, 1);
      assert.match(failures.join('\n'), /HTTP 503/);
    } finally {
      issuer.setDown(false);
    }
  });
});
