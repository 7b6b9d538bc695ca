import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entraView } from '../../../../src/domain/verify/entra-view.js';
import { issuerVersion } from '../../../../src/domain/verify/issuer.js';

describe('entraView', () => {
  it('reads a v2 ID token', () => {
    const view = entraView({
      name: 'Devi Developer',
      preferred_username: 'devi@contoso.example',
      oid: 'o1',
      tid: 't1',
      iss: 'https://login.microsoftonline.com/t1/v2.0',
      aud: 'app',
      ver: '2.0',
      exp: 1_700_000_000,
      iat: 1_699_996_400,
      acrs: ['c1'],
      groups: ['g1', 'g2'],
    });
    assert.deepEqual(view, {
      displayName: 'Devi Developer',
      upn: 'devi@contoso.example',
      oid: 'o1',
      tenantId: 't1',
      issuer: 'https://login.microsoftonline.com/t1/v2.0',
      audience: ['app'],
      version: '2.0',
      expiresAt: '2023-11-14T22:13:20.000Z',
      issuedAt: '2023-11-14T21:13:20.000Z',
      authenticationContexts: ['c1'],
      methods: [],
      groupIds: ['g1', 'g2'],
      groupsOverage: false,
      guest: false,
    });
  });

  it('reads v1 spellings, guests and the overage form', () => {
    const claims = {
      upn: 'gus@partner.example',
      amr: ['pwd', 'mfa'],
      acct: 1,
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://graph.windows.net/t/users/o/getMemberObjects' } },
    };
    const view = entraView(claims);
    assert.equal(view.upn, 'gus@partner.example');
    assert.deepEqual(view.methods, ['pwd', 'mfa']);
    assert.equal(view.guest, true);
    assert.equal(view.groupsOverage, true);
    assert.deepEqual(view.groupIds, []);
  });
});

describe('issuerVersion', () => {
  it('tells Entra v1 and v2 issuers apart', () => {
    assert.equal(issuerVersion('https://login.microsoftonline.com/t/v2.0'), 'v2');
    assert.equal(issuerVersion('https://sts.windows.net/6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13/'), 'v1');
    assert.equal(issuerVersion('https://127.0.0.1:1/6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13/'), 'v1');
    assert.equal(
      issuerVersion('https://login.microsoftonline.com/6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13'),
      'unknown',
    );
  });
});
