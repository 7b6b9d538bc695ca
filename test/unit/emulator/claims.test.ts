import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { SignInPageError } from '../../harness/emulator-browser.js';
import { claimsOf } from './flow-helpers.js';

describe('emulator: token claims', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  const apiScope = () => `api://${entra.clientId}/user_impersonation openid profile offline_access`;

  it('signs ID tokens (v2) and Graph access tokens (v1) verifiably with a kid from the JWKS', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.admin });
    const id = await jwtVerify(tokens.idToken, entra.jwks(2), {
      issuer: entra.issuer,
      audience: entra.clientId,
      algorithms: ['RS256'],
    });
    assert.equal(id.protectedHeader.kid, entra.control.activeKid());
    assert.equal(id.protectedHeader.x5t, undefined, 'v2 tokens carry kid only');
    const access = await jwtVerify(tokens.accessToken, entra.jwks(1), {
      issuer: entra.issuerV1,
      audience: 'https://graph.microsoft.com',
      algorithms: ['RS256'],
    });
    assert.equal(access.payload.ver, '1.0');
    assert.equal(access.protectedHeader.x5t, access.protectedHeader.kid, 'v1 tokens carry kid and x5t');
  });

  it('puts upn and amr in v1 tokens only; the resource app decides the version', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.developer, scope: apiScope() });
    const v2 = claimsOf(tokens.accessToken);
    assert.equal(v2.ver, '2.0');
    assert.equal(v2.aud, entra.clientId);
    assert.equal(v2.iss, entra.issuer);
    assert.equal(v2.azp, entra.clientId);
    assert.equal(v2.scp, 'user_impersonation');
    assert.equal(v2.upn, undefined);
    assert.equal(v2.amr, undefined);
    const v1 = claimsOf((await entra.signInWithPassword({ user: entra.users.developer })).accessToken);
    assert.equal(v1.upn, entra.users.developer.upn);
    assert.deepEqual(v1.amr, ['pwd']);
    const id = claimsOf(tokens.idToken);
    assert.equal(id.upn, undefined);
    assert.equal(id.amr, undefined);
  });

  it('has a 22-character uti, a pairwise sub, oid, tid, sid and client_info', async () => {
    const user = entra.users.developer;
    const kentra = await entra.signInWithPassword({ user });
    const other = await entra.signInWithPassword({ user, clientId: entra.otherClientId });
    const a = claimsOf(kentra.idToken);
    const b = claimsOf(other.idToken);
    assert.match(String(a.uti), /^[A-Za-z0-9_-]{22}$/);
    assert.match(String(a.sub), /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.sub, b.sub, 'sub differs per app');
    assert.equal(a.oid, user.oid);
    assert.equal(b.oid, user.oid);
    assert.equal(a.tid, entra.tenantId);
    assert.match(String(a.sid), /^[0-9a-f-]{36}$/);
    assert.equal(a.preferred_username, user.upn);
    const clientInfo = JSON.parse(
      Buffer.from(String(kentra.response.client_info), 'base64url').toString('utf8'),
    );
    assert.deepEqual(clientInfo, { uid: user.oid, utid: entra.tenantId });
  });

  it("names a guest's home tenant in idp and leaves it out for members", async () => {
    const guest = await entra.signInWithPassword({ user: entra.users.guest });
    const idp = String(claimsOf(guest.idToken).idp);
    assert.match(idp, /^https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\/$/);
    assert.ok(!idp.includes(entra.tenantId), 'a guest comes from another tenant');
    assert.equal(claimsOf(guest.accessToken).idp, idp);
    assert.equal(claimsOf(guest.idToken).acct, 1, 'the kentra app asks for the optional claim acct');
    const member = await entra.signInWithPassword({ user: entra.users.developer });
    assert.equal(claimsOf(member.idToken).idp, undefined);
    assert.equal(claimsOf(member.idToken).acct, 0);
    const other = await entra.signInWithPassword({ user: entra.users.guest, clientId: entra.otherClientId });
    assert.equal(claimsOf(other.idToken).acct, undefined, 'apps that do not ask get no optional claims');
  });

  it('lists transitive group object IDs, none for a user in no group, and the overage form above 200', async () => {
    const admin = claimsOf((await entra.signInWithPassword({ user: entra.users.admin })).idToken);
    assert.deepEqual(
      new Set(admin.groups as string[]),
      new Set([entra.groups['platform-admins'], entra.groups['all-engineers']]),
    );
    const none = claimsOf((await entra.signInWithPassword({ user: entra.users.noGroups })).idToken);
    assert.equal(none.groups, undefined);
    const many = claimsOf((await entra.signInWithPassword({ user: entra.users.manyGroups })).idToken);
    assert.equal(many.groups, undefined);
    assert.deepEqual(many._claim_names, { groups: 'src1' });
    const source = (many._claim_sources as Record<string, { endpoint: string }>).src1;
    assert.equal(
      source?.endpoint,
      `https://graph.windows.net/${entra.tenantId}/users/${entra.users.manyGroups.oid}/getMemberObjects`,
    );
  });

  it('asks for a second factor when Conditional Access requires MFA, and records it', async () => {
    const user = entra.users.admin;
    await assert.rejects(
      entra.signInWithPassword({
        user: { username: user.upn, password: user.password },
        clientId: entra.restrictedClientId,
      }),
      (error: unknown) => error instanceof SignInPageError && /second factor/.test(error.message),
    );
    const tokens = await entra.signInWithPassword({ user, clientId: entra.restrictedClientId });
    assert.deepEqual(claimsOf(tokens.accessToken).amr, ['pwd', 'mfa']);
    const log = entra.control
      .signIns()
      .find((s) => s.uniqueTokenIdentifier === claimsOf(tokens.accessToken).uti);
    assert.equal(log?.conditionalAccessStatus, 'success');
    assert.equal(log?.authenticationRequirement, 'multiFactorAuthentication');
    assert.ok(log?.mfaDetail);
  });

  it('puts satisfied authentication contexts in acrs after the step-up', async () => {
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const tokens = await entra.signInWithPassword({ user: entra.users.developer, scope: apiScope(), claims });
    assert.deepEqual(claimsOf(tokens.accessToken).acrs, ['c1']);
    const plain = await entra.signInWithPassword({ user: entra.users.developer, scope: apiScope() });
    assert.equal(claimsOf(plain.accessToken).acrs, undefined);
  });

  it('blocks sign-ins by policy (53003) and honours named IP ranges', async () => {
    const user = entra.users.developer;
    const block = entra.control.addConditionalAccessPolicy({
      displayName: 'Block the dashboard outside the loopback range',
      includeApplications: [entra.otherClientId],
      includeUsers: ['All'],
      includeLocations: ['All'],
      excludeLocations: ['Loopback'],
      grant: 'block',
    });
    try {
      const allowed = await entra.signInWithPassword({ user, clientId: entra.otherClientId });
      assert.ok(allowed.idToken, '127.0.0.1 is in the excluded named location');
    } finally {
      entra.control.removeConditionalAccessPolicy(block);
    }
    const blockLoopback = entra.control.addConditionalAccessPolicy({
      displayName: 'Block the dashboard from loopback',
      includeApplications: [entra.otherClientId],
      includeUsers: ['All'],
      includeLocations: ['Loopback'],
      grant: 'block',
    });
    try {
      await assert.rejects(entra.signInWithPassword({ user, clientId: entra.otherClientId }), /AADSTS53003/);
      const failed = entra.control.signIns().at(-1);
      assert.equal(failed?.conditionalAccessStatus, 'failure');
      assert.equal((failed?.status as { errorCode: number } | undefined)?.errorCode, 53003);
    } finally {
      entra.control.removeConditionalAccessPolicy(blockLoopback);
    }
  });

  it('rotates keys: the previous key keeps validating until retired', async () => {
    const before = await entra.signInWithPassword({ user: entra.users.developer });
    const oldKid = decodeProtectedHeader(before.idToken).kid;
    const newKid = await entra.control.rotateKeys();
    assert.notEqual(newKid, oldKid);
    const after = await entra.signInWithPassword({ user: entra.users.developer });
    assert.equal(decodeProtectedHeader(after.idToken).kid, newKid);
    await jwtVerify(before.idToken, entra.jwks(), { issuer: entra.issuer, audience: entra.clientId });
    await entra.control.rotateKeys({ retirePrevious: true });
    await assert.rejects(
      jwtVerify(after.idToken, entra.jwks(), { issuer: entra.issuer }),
      /no applicable key|JWKSNoMatchingKey/i,
    );
  });

  it("serves UserInfo for a Graph token with the ID token's pairwise sub", async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.admin });
    const info = await entra.fetchJson(`${entra.url}/oidc/userinfo`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.equal(info.status, 200);
    const body = info.body as Record<string, unknown>;
    assert.equal(body.sub, claimsOf(tokens.idToken).sub);
    assert.equal(body.name, entra.users.admin.displayName);
    const anonymous = await entra.fetchJson(`${entra.url}/oidc/userinfo`);
    assert.equal(anonymous.status, 401);
    assert.equal(
      (anonymous.body as Record<string, Record<string, unknown>>).error?.code,
      'InvalidAuthenticationToken',
    );
  });

  it('logs every issued token with its uti', () => {
    const utis = new Set(entra.control.signIns().map((s) => s.uniqueTokenIdentifier));
    assert.ok(utis.size > 10);
    assert.deepEqual(entra.serverErrors, []);
  });
});
