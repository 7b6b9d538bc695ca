import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticateClaims } from '../../../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../../../src/domain/identity/from-access-file.js';
import { claimCases, claimTableAccess } from '../../../helpers/claim-table.js';

// The same table runs against the real kube-apiserver in test/e2e/access-authentication-config.test.ts.
describe('claim mapping and policy, evaluated in TypeScript, on the shared claim table', () => {
  const file = claimTableAccess('https://issuer.test');
  const authenticator = authenticatorFromAccessFile(file, file.app.clientId ?? '');
  for (const { name, claims, expect } of claimCases(file)) {
    it(name, () => {
      const result = authenticateClaims(authenticator, claims);
      if (expect === 'reject') {
        assert.equal(result.authenticated, false, `expected a rejection, got ${JSON.stringify(result)}`);
        return;
      }
      assert.ok(
        result.authenticated,
        `expected acceptance, got: ${result.authenticated ? '' : result.reason}`,
      );
      if (expect.username !== undefined) assert.equal(result.user.username, expect.username);
      if (expect.groups !== undefined) assert.deepEqual(result.user.groups, expect.groups);
      if (expect.extra !== undefined) assert.deepEqual(result.user.extra, expect.extra);
    });
  }
});
