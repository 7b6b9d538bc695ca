import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { SignInPageError } from '../../harness/emulator-browser.js';
import { aadsts, authorizeUrl, claimsOf, pkce, tokenCall } from './flow-helpers.js';

describe('emulator: authorize and the sign-in page', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  async function codeFor(params: Record<string, string>, user = entra.users.developer) {
    const browser = entra.browser();
    return browser.signIn(authorizeUrl(entra, params), { username: user.upn, password: user.password });
  }

  it('serves Entra field names and the idSIButton9 button', async () => {
    const page = await entra.browser().navigate(authorizeUrl(entra, {}));
    assert.equal(page.status, 200);
    assert.match(page.body, /name="loginfmt"/);
    assert.match(page.body, /id="idSIButton9"/);
    const withHint = await entra
      .browser()
      .navigate(authorizeUrl(entra, { login_hint: entra.users.admin.upn }));
    assert.match(withHint.body, /name="passwd"/, 'login_hint skips to the password page');
    assert.ok(withHint.body.includes(`value="${entra.users.admin.upn}"`));
  });

  it('echoes state, puts the nonce in the ID token, and redeems a code with an S256 verifier', async () => {
    const p = pkce('S256');
    const params = await codeFor({
      state: 'st-1',
      nonce: 'n-1',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      client_info: '1',
    });
    assert.equal(params.get('state'), 'st-1');
    const clientInfo = JSON.parse(Buffer.from(params.get('client_info') ?? '', 'base64url').toString('utf8'));
    assert.equal(clientInfo.utid, entra.tenantId);
    const result = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: 'http://localhost:1/',
      code_verifier: p.verifier,
    });
    assert.equal(result.status, 200);
    assert.equal(claimsOf(result.body.id_token).nonce, 'n-1');
  });

  it('accepts plain PKCE and a challenge without a method (plain)', async () => {
    for (const extra of [{ code_challenge_method: 'plain' }, {}] as Record<string, string>[]) {
      const p = pkce('plain');
      const params = await codeFor({ code_challenge: p.challenge, ...extra });
      const result = await tokenCall(entra, {
        client_id: entra.clientId,
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: 'http://localhost:1/',
        code_verifier: p.verifier,
      });
      assert.equal(result.status, 200, JSON.stringify(result.body));
    }
  });

  it('refuses a wrong verifier (501481) and a second redemption (54005)', async () => {
    const p = pkce('S256');
    const params = await codeFor({ code_challenge: p.challenge, code_challenge_method: 'S256' });
    const form = {
      client_id: entra.clientId,
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: 'http://localhost:1/',
      code_verifier: pkce().verifier,
    };
    const wrong = await tokenCall(entra, form);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.equal(aadsts(wrong.body), 501481);
    const again = await tokenCall(entra, { ...form, code_verifier: p.verifier });
    assert.equal(aadsts(again.body), 54005);
  });

  it('accepts loopback redirect URIs on any port and rejects unregistered ones on the page', async () => {
    const params = await codeFor({ redirect_uri: 'http://localhost:54321' });
    assert.ok(params.get('code'));
    const page = await entra
      .browser()
      .navigate(authorizeUrl(entra, { redirect_uri: 'https://evil.example/cb' }));
    assert.equal(page.status, 400);
    assert.match(page.body, /AADSTS50011/);
  });

  it('keeps the user on the password page after a wrong password and logs the failure', async () => {
    const before = entra.control.signIns().length;
    await assert.rejects(
      entra.browser().signIn(authorizeUrl(entra, {}), { username: entra.users.admin.upn, password: 'wrong' }),
      (error: unknown) => error instanceof SignInPageError && /password is incorrect/.test(error.message),
    );
    const failed = entra.control.signIns().slice(before);
    assert.equal((failed[0]?.status as { errorCode: number } | undefined)?.errorCode, 50126);
  });

  it('answers prompt=none without a session with login_required (50058), and with SSO when signed in', async () => {
    const none = await entra.browser().navigate(authorizeUrl(entra, { prompt: 'none' }));
    const location = new URL(String(none.url));
    assert.equal(location.searchParams.get('error'), 'login_required');
    assert.match(location.searchParams.get('error_description') ?? '', /^AADSTS50058:/);
    const browser = entra.browser();
    const user = entra.users.developer;
    await browser.signIn(authorizeUrl(entra, {}), { username: user.upn, password: user.password });
    const silent = await browser.navigate(authorizeUrl(entra, { prompt: 'none' }));
    assert.ok(new URL(silent.url).searchParams.get('code'), 'SSO session gives a code without a page');
    const forced = await browser.navigate(authorizeUrl(entra, { prompt: 'login' }));
    assert.match(forced.body, /name="loginfmt"/, 'prompt=login shows the page again');
  });

  it('answers prompt=none with interaction_required (50076) when the SSO session lacks the MFA a policy demands', async () => {
    const browser = entra.browser();
    const user = entra.users.admin;
    await browser.signIn(authorizeUrl(entra, {}), { username: user.upn, password: user.password });
    const silent = await browser.navigate(
      authorizeUrl(entra, { prompt: 'none', client_id: entra.restrictedClientId }),
    );
    const params = new URL(silent.url).searchParams;
    assert.equal(params.get('error'), 'interaction_required');
    assert.match(params.get('error_description') ?? '', /^AADSTS50076:/);
  });

  it('delivers form_post responses as an auto-submitting form', async () => {
    const page = await entra
      .browser()
      .navigate(authorizeUrl(entra, { response_mode: 'form_post', login_hint: entra.users.admin.upn }));
    const flowId = /name="ctx" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const posted = await entra.browser().request(`${entra.url}/${entra.tenantId}/login`, {
      form: { ctx: flowId, loginfmt: entra.users.admin.upn, passwd: entra.users.admin.password },
    });
    assert.match(posted.body, /name="hiddenform"/);
    assert.match(posted.body, /action="http:\/\/localhost:1\/"/);
    assert.match(posted.body, /name="code"/);
  });

  it('refuses the disabled user (50057) and an unassigned user (50105) at the redirect URI', async () => {
    const disabled = await codeFor({}, entra.users.disabled);
    assert.equal(disabled.get('error'), 'invalid_grant');
    assert.match(disabled.get('error_description') ?? '', /^AADSTS50057:/);
    const unassigned = await codeFor({ client_id: entra.restrictedClientId }, entra.users.developer);
    assert.match(unassigned.get('error_description') ?? '', /^AADSTS50105:/);
  });

  it('shows unknown tenants and unknown clients as Entra errors on the page', async () => {
    const tenant = await entra.browser().navigate(authorizeUrl(entra, {}, 'no-such-tenant'));
    assert.equal(tenant.status, 400);
    assert.match(tenant.body, /AADSTS90002/);
    const client = await entra
      .browser()
      .navigate(authorizeUrl(entra, { client_id: '11111111-1111-1111-1111-111111111111' }));
    assert.match(client.body, /AADSTS700016/);
  });
});
