/**
 * The emulator's managed-identity endpoint: both contracts by hand (IMDS with
 * `Metadata: true`, App Service with `X-IDENTITY-HEADER`), their refusals, and
 * @azure/identity's ManagedIdentityCredential, which finds the endpoint the way
 * it does on Azure, through IDENTITY_ENDPOINT / IDENTITY_HEADER in the process
 * environment (msal-node reads process.env itself; this file runs in its own
 * process, so setting them here touches no other test).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { claimsOf } from './flow-helpers.js';

const graph = 'https://graph.microsoft.com';

describe('emulator: managed-identity endpoint', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  async function ask(query: Record<string, string>, headers: Record<string, string>) {
    const url = new URL(`${entra.managedIdentity.imdsHost}/metadata/identity/oauth2/token`);
    url.search = new URLSearchParams(query).toString();
    const response = await fetch(url, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }
  const imds = (extra: Record<string, string> = {}) =>
    ask({ 'api-version': '2018-02-01', resource: graph, ...extra }, { Metadata: 'true' });

  it('answers the IMDS contract with the host’s system-assigned identity, in the documented shape', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await imds();
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'client_id',
      'expires_in',
      'expires_on',
      'not_before',
      'refresh_token',
      'resource',
      'token_type',
    ]);
    assert.equal(body.client_id, entra.hostIdentityClientId);
    assert.ok(Number(body.expires_on) >= before + 3500, 'expires_on is epoch seconds, as a string');
    const claims = claimsOf(body.access_token);
    assert.equal(claims.aud, graph);
    assert.equal(claims.appid, entra.hostIdentityClientId);
    assert.equal(claims.idtyp, 'app');
    assert.ok((claims.roles as string[]).includes('GroupMember.Read.All'));
    const logged = entra.control.signIns().find((s) => s.uniqueTokenIdentifier === claims.uti);
    assert.deepEqual(logged?.signInEventTypes, ['managedIdentity']);
    assert.equal(logged?.clientCredentialType, 'managedIdentity');
  });

  it('chooses a user-assigned identity by client_id or object_id', async () => {
    const byClient = await imds({ client_id: entra.webhookIdentityClientId });
    assert.equal(claimsOf(byClient.body.access_token).appid, entra.webhookIdentityClientId);
    const sp = await entra.graph(`/servicePrincipals(appId='${entra.webhookIdentityClientId}')`);
    assert.equal(sp.body.servicePrincipalType, 'ManagedIdentity');
    const byObject = await imds({ object_id: String(sp.body.id) });
    assert.equal(claimsOf(byObject.body.access_token).oid, sp.body.id);
  });

  it('refuses what IMDS and App Service refuse', async () => {
    const noHeader = await ask({ 'api-version': '2018-02-01', resource: graph }, {});
    assert.equal(noHeader.status, 400);
    assert.match(noHeader.body.error_description ?? '', /metadata header/i);
    const unknown = await imds({ client_id: '00000000-0000-0000-0000-000000000001' });
    assert.deepEqual([unknown.status, unknown.body.error_description], [400, 'Identity not found']);
    const wrongSecret = await ask(
      { 'api-version': '2019-08-01', resource: graph },
      { 'X-IDENTITY-HEADER': 'not-the-header' },
    );
    assert.equal(wrongSecret.status, 401);
    const noResource = await ask({ 'api-version': '2018-02-01' }, { Metadata: 'true' });
    assert.equal(noResource.status, 400);
    const unknownResource = await imds({ resource: 'https://vault.azure.net' });
    assert.equal(unknownResource.body.error, 'invalid_resource');
    assert.ok(
      !JSON.stringify(wrongSecret.body).includes(entra.managedIdentity.header),
      'the header is never echoed',
    );
  });

  it('serves @azure/identity’s ManagedIdentityCredential (App Service contract), system- and user-assigned', async () => {
    process.env.IDENTITY_ENDPOINT = entra.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = entra.managedIdentity.header;
    const system = await new ManagedIdentityCredential().getToken(`${graph}/.default`);
    assert.equal(claimsOf(system.token).appid, entra.hostIdentityClientId);
    assert.ok(system.expiresOnTimestamp > Date.now() + 3000_000);
    const user = await new ManagedIdentityCredential({ clientId: entra.webhookIdentityClientId }).getToken(
      `${graph}/.default`,
    );
    assert.equal(claimsOf(user.token).appid, entra.webhookIdentityClientId);
  });
});
