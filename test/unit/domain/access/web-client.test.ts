import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';

const base = (app: Record<string, unknown>) => ({
  apiVersion: 'kentra.dev/v1alpha1',
  kind: 'Access',
  tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
  app,
  clusters: [{ name: 'dev' }],
  rules: [],
});

describe('app.groupMembershipClaims and app.web', () => {
  it('default to SecurityGroup and no web client', () => {
    const { file } = parseAccessFile(base({}));
    assert.equal(file?.app.groupMembershipClaims, 'SecurityGroup');
    assert.equal(file?.app.web, undefined);
  });

  it('reject a federated credential choice without the credential, at its path', () => {
    const parsed = parseAccessFile(
      base({ web: { redirectUris: ['https://p.example/cb'], credential: 'federated' } }),
    );
    assert.deepEqual(
      parsed.issues.map((issue) => issue.path.join('.')),
      ['app.web.federatedCredential'],
    );
  });

  it('reject an unknown group claim setting and a non-https web redirect URI', () => {
    const parsed = parseAccessFile(
      base({ groupMembershipClaims: 'Everything', web: { redirectUris: ['http://p.example/cb'] } }),
    );
    assert.deepEqual(parsed.issues.map((issue) => issue.path.join('.')).sort(), [
      'app.groupMembershipClaims',
      'app.web.redirectUris.0',
    ]);
  });
});
