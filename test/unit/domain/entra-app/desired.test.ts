import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredRegistration } from '../../../../src/domain/entra-app/desired.js';
import { accessFile } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');

describe('desiredRegistration', () => {
  it('is single tenant, a public client on http://localhost, SecurityGroup claims, v2 tokens by default', () => {
    const { application, servicePrincipal } = desiredRegistration(accessFile(), now);
    assert.equal(application.displayName, 'kentra-prod');
    assert.equal(application.signInAudience, 'AzureADMyOrg');
    assert.equal(application.isFallbackPublicClient, true);
    assert.deepEqual(application.publicClient.redirectUris, ['http://localhost']);
    assert.deepEqual(application.spa.redirectUris, []);
    assert.equal(application.groupMembershipClaims, 'SecurityGroup');
    assert.equal(application.api.requestedAccessTokenVersion, 2);
    assert.deepEqual(
      application.optionalClaims.idToken.map((claim) => claim.name),
      ['sid'],
      'sid joins audit events to sign-ins',
    );
    const graph = application.requiredResourceAccess[0];
    assert.equal(graph?.resourceAppId, '00000003-0000-0000-c000-000000000000');
    assert.ok(
      graph?.resourceAccess.some((item) => item.id === '7427e0e9-2fba-42fe-b0c0-848c9e6a8182'),
      'offline_access',
    );
    assert.deepEqual(servicePrincipal, { appRoleAssignmentRequired: true });
  });

  it('follows the file: token version, group claims, upn, no sid, web client', () => {
    const file = accessFile((raw) => {
      raw.app = {
        name: 'k',
        tokenVersion: 1,
        groupMembershipClaims: 'ApplicationGroup',
        web: { redirectUris: ['https://portal.example/cb'], credential: 'secret' },
      };
      raw.identity = { username: { claim: 'upn' }, extra: { sid: false } };
    });
    const desired = desiredRegistration(file, now);
    assert.equal(desired.application.api.requestedAccessTokenVersion, 1);
    assert.equal(desired.application.groupMembershipClaims, 'ApplicationGroup');
    assert.deepEqual(
      desired.application.optionalClaims.accessToken.map((claim) => claim.name),
      ['upn'],
    );
    assert.deepEqual(desired.application.web.redirectUris, ['https://portal.example/cb']);
    assert.deepEqual(desired.credential, { kind: 'secret', displayName: 'kentra-web' });
  });

  it('assigns each group once (names compare case-insensitively) and not the groups of expired rules', () => {
    const { groups } = desiredRegistration(accessFile(), now);
    assert.deepEqual(groups, [
      { written: 'platform-admins', ruleIndex: 0 },
      { written: 'developers', ruleIndex: 1 },
    ]);
  });

  it('a federated credential names the token-exchange audience', () => {
    const file = accessFile((raw) => {
      raw.app.web = {
        redirectUris: ['https://portal.example/cb'],
        credential: 'federated',
        federatedCredential: {
          issuer: 'https://issuer.example',
          subject: 'system:serviceaccount:portal:web',
        },
      };
    });
    assert.deepEqual(desiredRegistration(file, now).credential, {
      kind: 'federated',
      federated: {
        name: 'kentra',
        issuer: 'https://issuer.example',
        subject: 'system:serviceaccount:portal:web',
        audiences: ['api://AzureADTokenExchange'],
      },
    });
  });
});
