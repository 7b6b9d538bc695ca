import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blockDeviceCode, type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { aadsts, claimsOf, tokenCall } from './flow-helpers.js';

describe('emulator: token endpoint grants', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  it('rotates refresh tokens and keeps the session id', async () => {
    const first = await entra.signInWithPassword({ user: entra.users.developer });
    const refreshed = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken ?? '',
      scope: 'openid profile offline_access',
    });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, first.refreshToken);
    assert.equal(claimsOf(refreshed.body.id_token).sid, claimsOf(first.idToken).sid);
    assert.notEqual(claimsOf(refreshed.body.id_token).uti, claimsOf(first.idToken).uti);
    const log = entra.control
      .signIns()
      .find((s) => s.uniqueTokenIdentifier === claimsOf(refreshed.body.access_token).uti);
    assert.equal(log?.isInteractive, false, 'a refresh is a non-interactive sign-in');
  });

  it('refuses refresh tokens after revokeSignInSessions (50173, bad_token) and for a disabled user (50057)', async () => {
    const admin = await entra.signInWithPassword({ user: entra.users.admin });
    entra.control.revokeSignInSessions(entra.users.admin.upn);
    const revoked = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'refresh_token',
      refresh_token: admin.refreshToken ?? '',
    });
    assert.equal(aadsts(revoked.body), 50173);
    assert.equal(revoked.body.suberror, 'bad_token');

    const guest = await entra.signInWithPassword({ user: entra.users.guest });
    entra.control.setUserEnabled(entra.users.guest.upn, false);
    try {
      const disabled = await tokenCall(entra, {
        client_id: entra.clientId,
        grant_type: 'refresh_token',
        refresh_token: guest.refreshToken ?? '',
      });
      assert.equal(aadsts(disabled.body), 50057);
    } finally {
      entra.control.setUserEnabled(entra.users.guest.upn, true);
    }
  });

  for (const grantType of ['device_code', 'urn:ietf:params:oauth:grant-type:device_code']) {
    it(`runs the device code flow with grant_type=${grantType}`, async () => {
      const started = await entra.fetchJson(`${entra.url}/${entra.tenantId}/oauth2/v2.0/devicecode`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: entra.clientId,
          scope: 'openid profile offline_access',
        }).toString(),
      });
      const device = started.body as Record<string, string | number>;
      assert.equal(started.status, 200);
      assert.match(String(device.user_code), /^[A-Z0-9]{9}$/);
      assert.equal(device.expires_in, 900);
      assert.ok(String(device.message).includes(String(device.user_code)));
      const poll = {
        client_id: entra.clientId,
        grant_type: grantType,
        device_code: String(device.device_code),
      };
      const pending = await tokenCall(entra, poll);
      assert.equal(pending.body.error, 'authorization_pending');
      assert.equal(aadsts(pending.body), 70016);
      const user = entra.users.developer;
      await entra.browser().approveDeviceCode(String(device.verification_uri), String(device.user_code), {
        username: user.upn,
        password: user.password,
      });
      const done = await tokenCall(entra, poll);
      assert.equal(done.status, 200);
      assert.equal(claimsOf(done.body.id_token).oid, user.oid);
      const again = await tokenCall(entra, poll);
      assert.equal(again.status, 400, 'a device code is redeemed once');
    });
  }

  it('blocks device code, and only device code, under an authentication-flows policy (53003)', async () => {
    const policy = blockDeviceCode(entra.control);
    try {
      const started = await entra.fetchJson(`${entra.url}/${entra.tenantId}/oauth2/v2.0/devicecode`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: entra.clientId, scope: 'openid profile' }).toString(),
      });
      const device = started.body as Record<string, string>;
      const user = entra.users.developer;
      await entra
        .browser()
        .approveDeviceCode(String(device.verification_uri), String(device.user_code), {
          username: user.upn,
          password: user.password,
        })
        .catch(() => {}); // the page shows the refusal
      const poll = await tokenCall(entra, {
        client_id: entra.clientId,
        grant_type: 'device_code',
        device_code: String(device.device_code),
      });
      assert.equal(aadsts(poll.body), 53003);
      const failed = entra.control.signIns().at(-1);
      assert.equal(failed?.authenticationProtocol, 'deviceCode');
      assert.equal((failed?.status as { errorCode: number } | undefined)?.errorCode, 53003);
      // The browser (authorization code) is another flow: the policy does not apply to it.
      const tokens = await entra.signInWithPassword({ user });
      assert.equal(claimsOf(tokens.idToken).oid, user.oid);
    } finally {
      entra.control.removeConditionalAccessPolicy(policy);
    }
  });

  it('rejects a wrong device code on the verification page (70018)', async () => {
    const page = await entra.browser().navigate(`${entra.url}/devicelogin`, { form: { otc: 'NOTACODE1' } });
    assert.equal(page.status, 400);
    assert.match(page.body, /AADSTS70018/);
  });

  it('issues app-only tokens for client credentials with a secret', async () => {
    const ok = await tokenCall(entra, {
      client_id: entra.automation.clientId,
      client_secret: entra.automation.secret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    assert.equal(ok.status, 200);
    const claims = claimsOf(ok.body.access_token);
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.ok((claims.roles as string[]).includes('Application.ReadWrite.All'));
    assert.equal(ok.body.refresh_token, undefined);
    assert.equal(ok.body.id_token, undefined);
  });

  it('serves the v1 token endpoint with resource= (v1 token for a v1 resource)', async () => {
    const response = await entra.fetchJson(`${entra.url}/${entra.tenantId}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: entra.automation.clientId,
        client_secret: entra.automation.secret,
        grant_type: 'client_credentials',
        resource: 'https://graph.microsoft.com',
      }).toString(),
    });
    assert.equal(response.status, 200);
    const claims = claimsOf((response.body as Record<string, unknown>).access_token);
    assert.equal(claims.iss, entra.issuerV1);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
  });

  it('answers bad client credentials with 401 invalid_client (7000215, 7000218, 700025)', async () => {
    const base = { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' };
    const wrong = await tokenCall(entra, {
      ...base,
      client_id: entra.automation.clientId,
      client_secret: 'not-the-secret-at-all',
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.equal(aadsts(wrong.body), 7000215);
    assert.ok(!JSON.stringify(wrong.body).includes('not-the-secret-at-all'), 'the secret is not echoed');
    const missing = await tokenCall(entra, { ...base, client_id: entra.automation.clientId });
    assert.equal(aadsts(missing.body), 7000218);
    const publicApp = await tokenCall(entra, {
      ...base,
      client_id: entra.clientId,
      client_secret: 'x'.repeat(20),
    });
    assert.equal(aadsts(publicApp.body), 7000215, 'an app without secrets has no valid secret');
    const tokens = await entra.signInWithPassword({ user: entra.users.developer });
    const publicWithSecret = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken ?? '',
      client_secret: 'x'.repeat(20),
    });
    assert.equal(publicWithSecret.status, 401);
    assert.equal(aadsts(publicWithSecret.body), 700025, 'a public client must not send a secret');
  });

  it('answers a wrong password at the token endpoint with 50126 (password grant)', async () => {
    const user = entra.users.noGroups;
    const base = {
      client_id: entra.clientId,
      grant_type: 'password',
      scope: 'openid profile',
      username: user.upn,
    };
    const wrong = await tokenCall(entra, { ...base, password: 'not-it' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.equal(aadsts(wrong.body), 50126);
    const failed = entra.control.signIns().at(-1);
    assert.equal((failed?.status as { errorCode: number } | undefined)?.errorCode, 50126);
    assert.equal(failed?.authenticationProtocol, 'ropc');
    const ok = await tokenCall(entra, { ...base, password: user.password });
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(ok.body.id_token).oid, user.oid);
    const disabled = await tokenCall(entra, {
      ...base,
      username: entra.users.disabled.upn,
      password: entra.users.disabled.password,
    });
    assert.equal(aadsts(disabled.body), 50057);
  });

  it('answers malformed token requests with Entra errors', async () => {
    const noGrant = await tokenCall(entra, { client_id: entra.clientId });
    assert.equal(aadsts(noGrant.body), 900144);
    const unknownGrant = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'urn:example:unsupported',
    });
    assert.equal(aadsts(unknownGrant.body), 70003);
    const badCode = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'authorization_code',
      code: 'nope',
      redirect_uri: 'http://localhost',
    });
    assert.equal(aadsts(badCode.body), 70000);
    const json = await entra.fetchJson(`${entra.url}/${entra.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    assert.equal(aadsts(json.body as Record<string, unknown>), 9002313);
    const get = await entra.fetchJson(`${entra.url}/${entra.tenantId}/oauth2/v2.0/token`);
    assert.equal(get.status, 405);
    assert.equal(aadsts(get.body as Record<string, unknown>), 900561);
    const tenant = await tokenCall(
      entra,
      { client_id: entra.clientId, grant_type: 'refresh_token' },
      'unknown.example',
    );
    assert.equal(aadsts(tenant.body), 90002);
    assert.deepEqual(entra.serverErrors, []);
  });
});
