import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';

describe('emulator Graph: SPA redirect URIs', () => {
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
});
