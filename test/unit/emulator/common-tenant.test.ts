import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { claimsOf } from './flow-helpers.js';

const secondTenant = `
tenants:
  - domain: first.example
    users: [{userPrincipalName: ann@first.example, password: pw-ann}]
    applications: [{displayName: cli, appId: 11111111-2222-4333-8444-555555555555, publicClient: true, redirectUris: [http://localhost]}]
  - domain: second.example
    users: [{userPrincipalName: bo@second.example, password: pw-bo}]
    applications: [{displayName: cli, appId: 11111111-2222-4333-8444-555555555555, publicClient: true, redirectUris: [http://localhost]}]
`;

describe('emulator: /common, /organizations and domain-named tenants', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator({ seed: secondTenant });
  });
  after(() => entra.stop());

  it('serves templated discovery for /common and /organizations, and tenant discovery by domain', async () => {
    for (const segment of ['common', 'organizations']) {
      const doc = (await entra.fetchJson(`${entra.url}/${segment}/v2.0/.well-known/openid-configuration`))
        .body as Record<string, unknown>;
      assert.equal(doc.issuer, `${entra.url}/{tenantid}/v2.0`);
      assert.equal(doc.token_endpoint, `${entra.url}/${segment}/oauth2/v2.0/token`);
    }
    const byDomain = (
      await entra.fetchJson(`${entra.url}/second.example/v2.0/.well-known/openid-configuration`)
    ).body as Record<string, unknown>;
    assert.match(String(byDomain.issuer), /^https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}\/v2\.0$/);
    const v1 = (await entra.fetchJson(`${entra.url}/second.example/.well-known/openid-configuration`))
      .body as Record<string, unknown>;
    assert.match(String(v1.issuer), /\/[0-9a-f-]{36}\/$/, 'v1 issuer keeps the trailing slash');
  });

  it('signs a user in through /common into their home tenant, with that tenant as issuer', async () => {
    const tokens = await entra.signInWithPassword({
      user: { username: 'bo@second.example', password: 'pw-bo' },
      clientId: '11111111-2222-4333-8444-555555555555',
      tenant: 'common',
    });
    const claims = claimsOf(tokens.idToken);
    assert.notEqual(claims.tid, entra.tenantId, 'the home tenant, not the first (default) one');
    const doc = (
      await entra.fetchJson(`${entra.url}/${String(claims.tid)}/v2.0/.well-known/openid-configuration`)
    ).body as Record<string, unknown>;
    assert.equal(claims.iss, doc.issuer);
    await jwtVerify(tokens.idToken, entra.jwks(), {
      issuer: String(doc.issuer),
      audience: '11111111-2222-4333-8444-555555555555',
    });
  });
});
