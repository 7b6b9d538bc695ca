import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';

describe('emulator: faults and request counts per HTTP method', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

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
});
