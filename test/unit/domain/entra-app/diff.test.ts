import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredWebClient } from '../../../../src/domain/entra-app/desired.js';
import { diffApplication, patchedApplication } from '../../../../src/domain/entra-app/diff.js';
import { kentraScope } from '../../../../src/domain/entra-app/registration.js';
import { accessFile, desiredFor, graphApplication } from './fixtures.js';

const desired = desiredFor(accessFile()).application;

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

  it("a granted cluster app exposes kentra's scope under api://<appId> and pre-authorizes exactly the web client", () => {
    const web = 'c0ffee00-0000-4000-8000-000000000001';
    const stranger = 'dead0000-0000-4000-8000-000000000002';
    const file = accessFile((raw) => {
      raw.app.web = { redirectUris: ['https://portal.example/cb'], clusters: ['prod'] };
    });
    const granted = desiredFor(file, web);
    const app = graphApplication({ identifierUris: ['api://custom-kept'] });
    const diff = diffApplication(granted.application, app, granted.grants);
    assert.deepEqual(
      diff.changes.map((change) => change.field),
      ['identifierUris', 'api.oauth2PermissionScopes', 'api.preAuthorizedApplications[user_impersonation]'],
    );
    assert.deepEqual(diff.patch.identifierUris, ['api://custom-kept', `api://${app.appId}`]);
    assert.deepEqual(
      diff.patch.api?.oauth2PermissionScopes?.map((scope) => [scope.id, scope.value]),
      [[kentraScope.id, 'user_impersonation']],
    );
    assert.deepEqual(diff.patch.api?.preAuthorizedApplications, [
      { appId: web, delegatedPermissionIds: [kentraScope.id] },
    ]);
    assert.equal(diff.patch.api?.requestedAccessTokenVersion, 2, 'the token version rides along');

    // Applied, nothing is left; a stranger pre-authorized for kentra's scope is taken off, its other scope kept.
    const done = patchedApplication(app, diff.patch);
    assert.deepEqual(diffApplication(granted.application, done, granted.grants).changes, []);
    const tampered = patchedApplication(done, {
      api: {
        preAuthorizedApplications: [
          { appId: web, delegatedPermissionIds: [kentraScope.id] },
          { appId: stranger, delegatedPermissionIds: [kentraScope.id, 'other-scope'] },
        ],
      },
    });
    const again = diffApplication(granted.application, tampered, granted.grants);
    assert.deepEqual(again.patch.api?.preAuthorizedApplications, [
      { appId: stranger, delegatedPermissionIds: ['other-scope'] },
      { appId: web, delegatedPermissionIds: [kentraScope.id] },
    ]);
    // Withdrawn from the file: the scope stays, nobody is pre-authorized for it.
    const withdrawn = desiredFor(accessFile(), web);
    assert.deepEqual(
      diffApplication(withdrawn.application, done, withdrawn.grants).patch.api?.preAuthorizedApplications,
      [],
    );
  });

  it("the web client requires kentra's scope of exactly the granted cluster apps", () => {
    const prod = 'b0000000-0000-4000-8000-000000000002';
    const old = 'b0000000-0000-4000-8000-000000000009';
    const spec = {
      name: 'portal',
      redirectUris: ['https://portal.example/cb'],
      credential: 'none' as const,
      clusters: ['prod'],
    };
    const wanted = desiredWebClient(spec, [prod]);
    const actual = graphApplication({
      displayName: 'portal',
      isFallbackPublicClient: false,
      publicClient: { redirectUris: [] },
      web: { redirectUris: ['https://portal.example/cb'] },
      requiredResourceAccess: [
        ...(graphApplication().requiredResourceAccess ?? []),
        { resourceAppId: old, resourceAccess: [{ id: kentraScope.id, type: 'Scope' }] },
      ],
    });
    const diff = diffApplication(wanted.application, actual, wanted.grants);
    assert.deepEqual(
      diff.changes.map((change) => change.field),
      [`requiredResourceAccess[${prod}]`, `requiredResourceAccess[${old}]`],
      'the web client is no public client: kentra leaves its other settings alone',
    );
    assert.deepEqual(
      diff.patch.requiredResourceAccess?.map((entry) => entry.resourceAppId),
      ['00000003-0000-0000-c000-000000000000', prod],
    );
  });
});
