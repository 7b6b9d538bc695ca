import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';
import { aadsts, claimsOf, tokenCall } from '../flow-helpers.js';

type Row = Record<string, unknown>;

describe('emulator Graph: applications, service principals, assignments', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  it('creates, reads, patches an application and adds a password that works at the token endpoint', async () => {
    const created = await entra.graph('/applications', {
      method: 'POST',
      body: { displayName: 'cluster-api' },
    });
    assert.equal(created.status, 201);
    const appId = String(created.body.appId);
    const objectId = String(created.body.id);
    assert.equal(created.body.signInAudience, 'AzureADandPersonalMicrosoftAccount');
    assert.equal((created.body.api as Row).requestedAccessTokenVersion, 2);
    assert.deepEqual(created.body.passwordCredentials, []);

    const patch = await entra.graph(`/applications/${objectId}`, {
      method: 'PATCH',
      body: {
        signInAudience: 'AzureADMyOrg',
        groupMembershipClaims: 'SecurityGroup',
        identifierUris: [`api://${appId}`],
        publicClient: { redirectUris: ['http://localhost'] },
        requiredResourceAccess: [
          { resourceAppId: '00000003-0000-0000-c000-000000000000', resourceAccess: [] },
        ],
        optionalClaims: {
          idToken: [{ name: 'upn', source: null, essential: false, additionalProperties: [] }],
        },
      },
    });
    assert.equal(patch.status, 204);
    const signedIn = await entra.signInWithPassword({ user: entra.users.developer, clientId: appId });
    const idClaims = claimsOf(signedIn.idToken);
    assert.equal(idClaims.aud, appId, 'the new app signs users in at once');
    assert.equal(idClaims.upn, entra.users.developer.upn, 'optional claim set through Graph');
    assert.ok(Array.isArray(idClaims.groups), 'groupMembershipClaims set through Graph');
    const byAppId = await entra.graph(`/applications(appId='${appId}')`);
    assert.equal(byAppId.body.groupMembershipClaims, 'SecurityGroup');
    assert.deepEqual((byAppId.body.publicClient as Row).redirectUris, ['http://localhost']);
    assert.equal((byAppId.body.requiredResourceAccess as Row[]).length, 1);
    const badPatch = await entra.graph(`/applications/${objectId}`, {
      method: 'PATCH',
      body: { colour: 'blue' },
    });
    assert.equal(badPatch.status, 400);

    const password = await entra.graph(`/applications/${objectId}/addPassword`, {
      method: 'POST',
      body: { passwordCredential: { displayName: 'ci' } },
    });
    assert.equal(password.status, 200);
    const secret = String(password.body.secretText);
    assert.ok(secret.length >= 16);
    assert.equal(password.body.hint, secret.slice(0, 3));
    const listed = await entra.graph(`/applications/${objectId}`);
    assert.equal((listed.body.passwordCredentials as Row[])[0]?.secretText, null, 'never retrievable again');

    const sp = await entra.graph('/servicePrincipals', { method: 'POST', body: { appId } });
    assert.equal(sp.status, 201);
    const duplicate = await entra.graph('/servicePrincipals', { method: 'POST', body: { appId } });
    assert.equal(duplicate.status, 409);
    const token = await tokenCall(entra, {
      client_id: appId,
      client_secret: secret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    assert.equal(token.status, 200);
    assert.equal(claimsOf(token.body.access_token).roles, undefined, 'no Graph permission granted yet');

    const graphSp = await entra.graph(
      `/servicePrincipals?$filter=${encodeURIComponent("appId eq '00000003-0000-0000-c000-000000000000'")}`,
    );
    const graph = (graphSp.body.value as Row[])[0] as Row;
    const role = (graph.appRoles as Row[]).find((r) => r.value === 'Group.Read.All') as Row;
    const grant = await entra.graph(`/servicePrincipals/${String(graph.id)}/appRoleAssignedTo`, {
      method: 'POST',
      body: { principalId: sp.body.id, resourceId: graph.id, appRoleId: role.id },
    });
    assert.equal(grant.status, 201);
    assert.equal(grant.body.principalType, 'ServicePrincipal');
    const granted = await tokenCall(entra, {
      client_id: appId,
      client_secret: secret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    assert.deepEqual(claimsOf(granted.body.access_token).roles, ['Group.Read.All']);
  });

  it('assigns a user to an app that requires assignment (50105 before, sign-in after)', async () => {
    const user = entra.users.developer;
    await assert.rejects(
      entra.signInWithPassword({ user, clientId: entra.restrictedClientId }),
      /AADSTS50105/,
    );
    const sp = await entra.graph(`/servicePrincipals(appId='${entra.restrictedClientId}')`);
    assert.equal(sp.body.appRoleAssignmentRequired, true);
    const assign = await entra.graph(`/servicePrincipals/${String(sp.body.id)}/appRoleAssignedTo`, {
      method: 'POST',
      body: {
        principalId: user.oid,
        resourceId: sp.body.id,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      },
    });
    assert.equal(assign.status, 201);
    const tokens = await entra.signInWithPassword({ user, clientId: entra.restrictedClientId });
    assert.equal(claimsOf(tokens.idToken).oid, user.oid);
    const list = await entra.graph(`/servicePrincipals/${String(sp.body.id)}/appRoleAssignedTo`);
    assert.ok((list.body.value as Row[]).some((a) => a.principalId === user.oid));
    const removed = await entra.graph(
      `/servicePrincipals/${String(sp.body.id)}/appRoleAssignedTo/${String(assign.body.id)}`,
      {
        method: 'DELETE',
      },
    );
    assert.equal(removed.status, 204);
    const refresh = await tokenCall(entra, {
      client_id: entra.restrictedClientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken ?? '',
    });
    assert.equal(aadsts(refresh.body), 50105, 'the assignment is checked again at refresh');
  });
});
