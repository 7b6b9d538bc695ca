/**
 * Graph behaviour that `kentra entra setup|check` relies on: SPA redirect URIs
 * stored as given, faults and request counts per HTTP method, and federated
 * identity credentials.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';

describe('emulator Graph: what entra setup needs', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  it('keeps spa.redirectUris given on create and PATCH, and reads them back', async () => {
    const created = await entra.graph('/applications', {
      method: 'POST',
      body: { displayName: 'spa-app', spa: { redirectUris: ['http://localhost:8400'] } },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.spa, { redirectUris: ['http://localhost:8400'] });
    const id = String(created.body.id);
    const patched = await entra.graph(`/applications/${id}`, {
      method: 'PATCH',
      body: { spa: { redirectUris: [] } },
    });
    assert.equal(patched.status, 204);
    assert.deepEqual((await entra.graph(`/applications/${id}`)).body.spa, { redirectUris: [] });
  });

  it('a fault with a method hits only that method; counts are kept per endpoint and method', async () => {
    entra.control.resetRequestCounts();
    entra.control.setFault({
      match: '/v1.0/applications',
      method: 'POST',
      status: 503,
      retryAfter: 0,
      times: 1,
    });
    assert.equal((await entra.graph('/applications')).status, 200, 'a GET passes');
    const failed = await entra.graph('/applications', { method: 'POST', body: { displayName: 'x' } });
    assert.equal(failed.status, 503);
    assert.equal(failed.headers['retry-after'], '0');
    const created = await entra.graph('/applications', { method: 'POST', body: { displayName: 'x' } });
    assert.equal(created.status, 201, 'the fault was used up');
    assert.equal(entra.control.requestCount('graph POST'), 2);
    assert.equal(entra.control.requestCount('graph GET'), 1);
    assert.equal(entra.control.requestCount('graph'), 3);
  });

  it('creates, lists, refuses duplicates and bad audiences, and deletes', async () => {
    const app = await entra.graph('/applications', { method: 'POST', body: { displayName: 'fic-app' } });
    const path = `/applications/${String(app.body.id)}/federatedIdentityCredentials`;
    const credential = {
      name: 'ci',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:example/app:ref:refs/heads/main',
      audiences: ['api://AzureADTokenExchange'],
    };
    const created = await entra.graph(path, { method: 'POST', body: credential });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'ci');
    const again = await entra.graph(path, { method: 'POST', body: { ...credential, name: 'other' } });
    assert.equal(again.status, 409, 'issuer + subject are unique');
    const twoAudiences = await entra.graph(path, {
      method: 'POST',
      body: { ...credential, name: 'x', subject: 's', audiences: ['a', 'b'] },
    });
    assert.equal(twoAudiences.status, 400);
    const byAppId = await entra.graph(
      `/applications(appId='${String(app.body.appId)}')/federatedIdentityCredentials`,
    );
    assert.deepEqual(
      (byAppId.body.value as { name: string }[]).map((c) => c.name),
      ['ci'],
    );
    assert.equal((await entra.graph(`${path}/ci`, { method: 'DELETE' })).status, 204);
    assert.deepEqual((await entra.graph(path)).body.value, []);
  });
});
