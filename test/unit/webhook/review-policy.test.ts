/**
 * The access file's policy enforced at review time through the shared
 * authenticator (tenant, guests, authentication context, token lifetime), plus
 * the webhook's own clock-based rules (token age, source networks).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultIdentity } from '../../../src/domain/identity/mapping.js';
import type { WebhookConfig } from '../../../src/webhook/config.js';
import { silentLog } from '../../../src/webhook/log.js';
import { buildPipeline } from '../../../src/webhook/webhook.js';
import { startTestIssuer, type TestIssuer } from '../../helpers/test-issuer.js';
import { FakeGraph } from './fake-graph.js';

describe('review-time policy', () => {
  let issuer: TestIssuer;
  let pipeline: ReturnType<typeof buildPipeline>['pipeline'];
  const user = randomUUID();

  before(async () => {
    issuer = await startTestIssuer();
    const graph = new FakeGraph();
    graph.addUser(user);
    const config: WebhookConfig = {
      accessFile: undefined,
      listen: { host: '127.0.0.1', port: 0 },
      tls: undefined,
      entra: {
        tenants: [issuer.tenantId],
        audiences: [issuer.clientId],
        allowedClientApps: [],
        issuerVersions: ['v2'],
        loginBase: issuer.bases.v2,
        stsBase: issuer.bases.v1,
        clockSkewSeconds: 60,
      },
      live: {
        graphBase: 'https://graph.test',
        graphAuth: 'client-secret',
        clientId: 'reader',
        clientSecretFile: undefined,
        clientCertificateFile: undefined,
        federatedTokenFile: undefined,
        pollIntervalSeconds: 3600,
        maxStalenessSeconds: 3600,
      },
      policy: { maxTokenAgeSeconds: 600, allowedNetworks: ['10.0.0.0/8'] },
      cache: { ttlSeconds: 60, maxEntries: 1000 },
      limits: { maxBodyBytes: 65536, maxTokenLength: 32768 },
      log: { level: 'info' },
    };
    const built = buildPipeline(config, {
      now: Date.now,
      fetch: issuer.fetch,
      graph,
      log: silentLog,
      shared: {
        identity: defaultIdentity,
        policy: {
          allowedTenants: [issuer.tenantId],
          denyGuests: true,
          requireMfa: false,
          requireAuthenticationContext: 'c1',
          maxTokenAgeSeconds: 7200,
          allowedNetworks: [],
          allowedClientApps: [],
          groupOverage: 'reject',
        },
      },
    });
    await built.state?.syncOnce();
    pipeline = built.pipeline;
  });
  after(() => issuer.close());

  const now = () => Math.floor(Date.now() / 1000);
  const review = async (claims: Record<string, unknown>) =>
    pipeline.review(await issuer.sign({ oid: user, acrs: ['c1'], ipaddr: '10.1.2.3', ...claims }));

  it('allows a member with the authentication context from an allowed network', async () => {
    const outcome = await review({ ipaddr: '10.1.2.3' });
    assert.equal(outcome.authenticated, true);
  });

  const denials: Array<[string, Record<string, unknown>, string]> = [
    ['a guest (acct = 1)', { acct: 1 }, 'policy_guests'],
    ['a B2B guest (foreign idp)', { idp: 'https://sts.windows.net/another-tenant/' }, 'policy_guests'],
    ['no authentication context', { acrs: [] }, 'policy_authentication-context'],
    ['a token living longer than the access file allows', { exp: now() + 8 * 3600 }, 'policy_token-age'],
    [
      'a token older than the webhook allows (by the clock)',
      { iat: now() - 900, nbf: now() - 900 },
      'token_too_old',
    ],
    ['a sign-in from outside the allowed networks', { ipaddr: '192.0.2.10' }, 'source_network_not_allowed'],
    ['a token without ipaddr (sign-in address unknown)', { ipaddr: undefined }, 'source_network_unknown'],
  ];
  for (const [name, claims, reason] of denials)
    it(`denies ${name} (${reason})`, async () => {
      const outcome = await review(claims);
      assert.equal(outcome.authenticated, false);
      assert.ok(!outcome.authenticated);
      assert.equal(outcome.reason, reason);
    });
});
