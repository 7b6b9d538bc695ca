import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';
import { aadsts, claimsOf, tokenCall } from '../flow-helpers.js';

type Row = Record<string, unknown>;

describe('emulator Graph: users, groups, memberships, delta, audits', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  const values = (body: Row) => body.value as Row[];

  it('requires a valid Graph token and answers in Graph error shape', async () => {
    const none = await entra.graph('/users', { token: '' });
    assert.equal(none.status, 401);
    assert.equal((none.body.error as Row).code, 'InvalidAuthenticationToken');
    const idToken = (await entra.signInWithPassword({ user: entra.users.developer })).idToken;
    const wrongAudience = await entra.graph('/users', { token: idToken });
    assert.equal(wrongAudience.status, 401);
    const missing = await entra.graph('/users/nobody@kentra-demo.onmicrosoft.com');
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as Row).code, 'Request_ResourceNotFound');
    assert.ok(((missing.body.error as Row).innerError as Row)['request-id']);
    const unknown = await entra.graph('/teapots');
    assert.equal(unknown.status, 400);
  });

  it('checks permissions: a User.Read token reads /me but not /users', async () => {
    const tokens = await entra.signInWithPassword({
      user: entra.users.developer,
      scope: 'User.Read openid profile',
    });
    const me = await entra.graph('/me', { token: tokens.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.userPrincipalName, entra.users.developer.upn);
    const users = await entra.graph('/users', { token: tokens.accessToken });
    assert.equal(users.status, 403);
    assert.equal((users.body.error as Row).code, 'Authorization_RequestDenied');
  });

  it('returns accountEnabled only with $select, and a PATCH disables sign-in', async () => {
    const upn = entra.users.guest.upn;
    const plain = await entra.graph(`/users/${encodeURIComponent(upn)}`);
    assert.equal(plain.body.accountEnabled, undefined);
    assert.equal(plain.body.id, entra.users.guest.oid);
    const selected = await entra.graph(`/users/${entra.users.guest.oid}?$select=accountEnabled,userType`);
    assert.deepEqual(
      { accountEnabled: selected.body.accountEnabled, userType: selected.body.userType },
      { accountEnabled: true, userType: 'Guest' },
    );
    const patch = await entra.graph(`/users/${entra.users.guest.oid}`, {
      method: 'PATCH',
      body: { accountEnabled: false },
    });
    assert.equal(patch.status, 204);
    await assert.rejects(entra.signInWithPassword({ user: entra.users.guest }), /AADSTS50057/);
    const [audit] = values(
      (await entra.graph("/auditLogs/directoryAudits?$filter=category eq 'UserManagement'")).body,
    );
    assert.equal(audit?.activityDisplayName, 'Update user');
    assert.deepEqual((audit?.targetResources as Row[] | undefined)?.[0]?.modifiedProperties, [
      { displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' },
    ]);
    await entra.graph(`/users/${entra.users.guest.oid}`, { method: 'PATCH', body: { accountEnabled: true } });
    const bad = await entra.graph(`/users/${entra.users.guest.oid}`, {
      method: 'PATCH',
      body: { password: 'x' },
    });
    assert.equal(bad.status, 400);
  });

  it('finds groups by display name, changes members, and follows nesting', async () => {
    const found = await entra.graph(`/groups?$filter=${encodeURIComponent("displayName eq 'developers'")}`);
    assert.equal(values(found.body).length, 1);
    const developers = String(values(found.body)[0]?.id);
    assert.equal(developers, entra.groups.developers);
    const selected = await entra.graph(`/groups/${developers}?$select=id,displayName`);
    assert.deepEqual(Object.keys(selected.body).sort(), ['@odata.context', 'displayName', 'id']);
    const user = entra.users.noGroups;
    const add = await entra.graph(`/groups/${developers}/members/$ref`, {
      method: 'POST',
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.oid}` },
    });
    assert.equal(add.status, 204);
    const again = await entra.graph(`/groups/${developers}/members/$ref`, {
      method: 'POST',
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.oid}` },
    });
    assert.equal(again.status, 400);
    const transitive = await entra.graph(
      `/groups/${entra.groups['all-engineers']}/transitiveMembers?$top=999`,
    );
    assert.ok(
      values(transitive.body).some((m) => m.id === user.oid && m['@odata.type'] === '#microsoft.graph.user'),
    );
    const memberOf = await entra.graph(`/users/${user.oid}/transitiveMemberOf`);
    assert.deepEqual(
      new Set(values(memberOf.body).map((g) => g.id)),
      new Set([developers, entra.groups['all-engineers']]),
    );
    const getMemberGroups = await entra.graph(`/users/${user.oid}/getMemberGroups`, {
      method: 'POST',
      body: { securityEnabledOnly: true },
    });
    assert.equal((getMemberGroups.body.value as string[]).length, 2);
    const check = await entra.graph(`/users/${user.oid}/checkMemberGroups`, {
      method: 'POST',
      body: { groupIds: [developers, entra.groups['platform-admins']] },
    });
    assert.deepEqual(check.body.value, [developers]);
    const token = claimsOf((await entra.signInWithPassword({ user })).idToken);
    assert.ok((token.groups as string[]).includes(developers), 'the next token carries the new group');
    const remove = await entra.graph(`/groups/${developers}/members/${user.oid}/$ref`, { method: 'DELETE' });
    assert.equal(remove.status, 204);
    const audits = values((await entra.graph('/auditLogs/directoryAudits')).body);
    const [removed, added] = audits;
    assert.equal(removed?.activityDisplayName, 'Remove member from group');
    assert.equal(added?.activityDisplayName, 'Add member to group');
    assert.equal(
      ((added?.initiatedBy as Row | undefined)?.app as Row | undefined)?.appId,
      entra.automation.clientId,
    );
    assert.equal((added?.targetResources as Row[] | undefined)?.[1]?.id, developers);
  });

  it('pages with @odata.nextLink until every group was seen', async () => {
    const seen = new Set<unknown>();
    let next: string | undefined = '/groups?$top=50&$select=id,displayName';
    let pages = 0;
    while (next) {
      const page = await entra.graph(next);
      assert.equal(page.status, 200);
      for (const g of values(page.body)) seen.add(g.id);
      next = page.body['@odata.nextLink'] as string | undefined;
      pages += 1;
    }
    assert.equal(seen.size, Object.keys(entra.groups).length);
    assert.ok(pages >= 5);
  });

  it('reports membership changes through groups/delta and user changes through users/delta', async () => {
    let link: string | undefined = '/groups/delta?$select=displayName,members';
    let deltaLink = '';
    while (link) {
      const page = await entra.graph(link);
      link = page.body['@odata.nextLink'] as string | undefined;
      deltaLink = String(page.body['@odata.deltaLink'] ?? deltaLink);
    }
    assert.ok(deltaLink.includes('$deltatoken='));
    entra.control.addToGroup(entra.users.guest.upn, 'platform-admins');
    entra.control.removeFromGroup(entra.users.admin.upn, 'platform-admins');
    const changes = await entra.graph(deltaLink);
    const group = values(changes.body).find((g) => g.id === entra.groups['platform-admins']);
    const members = group?.['members@delta'] as Row[];
    assert.deepEqual(
      members.find((m) => m.id === entra.users.guest.oid),
      { '@odata.type': '#microsoft.graph.user', id: entra.users.guest.oid },
    );
    assert.deepEqual(members.find((m) => m.id === entra.users.admin.oid)?.['@removed'], {
      reason: 'deleted',
    });
    entra.control.addToGroup(entra.users.admin.upn, 'platform-admins');
    entra.control.removeFromGroup(entra.users.guest.upn, 'platform-admins');

    const latest = await entra.graph('/users/delta?$deltatoken=latest');
    assert.deepEqual(latest.body.value, []);
    await entra.graph(`/users/${entra.users.developer.oid}`, {
      method: 'PATCH',
      body: { displayName: 'Devi D.' },
    });
    const userChanges = await entra.graph(String(latest.body['@odata.deltaLink']));
    assert.deepEqual(
      values(userChanges.body).map((u) => [u.id, u.displayName]),
      [[entra.users.developer.oid, 'Devi D.']],
    );
  });

  it('revokeSignInSessions makes refresh tokens fail with 50173', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.manyGroups });
    const revoke = await entra.graph(`/users/${entra.users.manyGroups.oid}/revokeSignInSessions`, {
      method: 'POST',
    });
    assert.equal(revoke.body.value, true);
    const refresh = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken ?? '',
    });
    assert.equal(aadsts(refresh.body), 50173);
    assert.deepEqual(entra.serverErrors, []);
  });
});
