import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execCredential, renderExecCredential } from '../../../../src/domain/exec-credential/credential.js';

describe('ExecCredential output', () => {
  it('echoes the caller apiVersion and writes an RFC 3339 expiry without fractions', () => {
    const credential = execCredential(
      'client.authentication.k8s.io/v1beta1',
      'tok',
      Date.UTC(2030, 0, 2, 3, 4, 5, 678),
    );
    assert.deepEqual(JSON.parse(renderExecCredential(credential)), {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      spec: {},
      status: { token: 'tok', expirationTimestamp: '2030-01-02T03:04:05Z' },
    });
  });

  it('is one JSON line ending in a newline', () => {
    const text = renderExecCredential(execCredential('client.authentication.k8s.io/v1', 't', 0));
    assert.equal(text.split('\n').length, 2);
    assert.ok(text.endsWith('}\n'));
  });
});
