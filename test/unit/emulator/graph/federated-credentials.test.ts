import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';

describe('emulator Graph: federated identity credentials', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

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
