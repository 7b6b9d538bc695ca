import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredRegistration } from '../../../../src/domain/entra-app/desired.js';
import { diffApplication } from '../../../../src/domain/entra-app/diff.js';
import { accessFile, graphApplication } from './fixtures.js';

const desired = desiredRegistration(accessFile(), 0).application;

describe('diffApplication', () => {
  it('finds nothing when Graph returns the same values in another order and case', () => {
    const actual = graphApplication({ publicClient: { redirectUris: ['HTTP://LOCALHOST'] } });
    assert.deepEqual(diffApplication(desired, actual), { changes: [], patch: {} });
  });

  it('reports each drifted field with both values and patches only those properties', () => {
    const actual = graphApplication({
      groupMembershipClaims: 'All',
      api: { requestedAccessTokenVersion: null },
      spa: { redirectUris: ['http://localhost:3000'] },
      signInAudience: 'AzureADMultipleOrgs',
    });
    const diff = diffApplication(desired, actual);
    assert.deepEqual(
      diff.changes.map((change) => [change.field, change.current, change.desired]),
      [
        ['signInAudience', 'AzureADMultipleOrgs', 'AzureADMyOrg'],
        ['groupMembershipClaims', 'All', 'SecurityGroup'],
        ['api.requestedAccessTokenVersion', null, 2],
        ['spa.redirectUris', ['http://localhost:3000'], []],
      ],
    );
    assert.deepEqual(Object.keys(diff.patch).sort(), [
      'api',
      'groupMembershipClaims',
      'signInAudience',
      'spa',
    ]);
    assert.deepEqual(diff.patch.api, { requestedAccessTokenVersion: 2 });
  });

  it('adds missing Graph permissions and keeps those on other APIs', () => {
    const other = {
      resourceAppId: 'c0000000-0000-4000-8000-000000000003',
      resourceAccess: [{ id: 'x', type: 'Role' as const }],
    };
    const actual = graphApplication({
      requiredResourceAccess: [
        other,
        {
          resourceAppId: '00000003-0000-0000-c000-000000000000',
          resourceAccess: [{ id: '37f7f235-527c-4136-accd-4a02d197296e', type: 'Scope' }],
        },
      ],
    });
    const diff = diffApplication(desired, actual);
    assert.equal(diff.changes.length, 1);
    assert.equal(diff.changes[0]?.field, 'requiredResourceAccess[00000003-0000-0000-c000-000000000000]');
    const [kept, graph] = diff.patch.requiredResourceAccess ?? [];
    assert.deepEqual(kept, other);
    assert.equal(graph?.resourceAccess.length, 4, 'openid kept once, three added');
  });

  it('adds the optional claims kentra needs and keeps the ones chosen elsewhere', () => {
    const acct = { name: 'acct', source: null, essential: false, additionalProperties: [] };
    const actual = graphApplication({ optionalClaims: { idToken: [acct], accessToken: [], saml2Token: [] } });
    const diff = diffApplication(desired, actual);
    assert.deepEqual(
      diff.changes.map((change) => [change.field, change.current, change.desired]),
      [
        ['optionalClaims.idToken', ['acct'], ['acct', 'sid']],
        ['optionalClaims.accessToken', [], ['sid']],
      ],
    );
    assert.deepEqual(
      diff.patch.optionalClaims?.idToken.map((claim) => claim.name),
      ['acct', 'sid'],
    );
  });

  it('treats missing optional claims and a null api as drift', () => {
    const diff = diffApplication(desired, graphApplication({ optionalClaims: null, api: null }));
    assert.deepEqual(
      diff.changes.map((change) => change.field),
      ['api.requestedAccessTokenVersion', 'optionalClaims.idToken', 'optionalClaims.accessToken'],
    );
    assert.deepEqual(diff.patch.optionalClaims, desired.optionalClaims);
  });
});
