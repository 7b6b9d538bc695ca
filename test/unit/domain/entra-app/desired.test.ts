import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterApps } from '../../../../src/domain/access/cluster-apps.js';
import { desiredClusterApp, desiredWebClient } from '../../../../src/domain/entra-app/desired.js';
import { kentraScope } from '../../../../src/domain/entra-app/registration.js';
import { accessFile, desiredFor } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');

describe('the desired cluster app', () => {
  it('is single tenant, a public client on http://localhost, SecurityGroup claims, v2 tokens by default', () => {
    const { application, servicePrincipal } = desiredFor(accessFile(), undefined, now);
    assert.equal(application.displayName, 'kentra-prod');
    assert.equal(application.signInAudience, 'AzureADMyOrg');
    assert.equal(application.isFallbackPublicClient, true);
    assert.deepEqual(application.publicClient?.redirectUris, ['http://localhost']);
    assert.deepEqual(application.spa?.redirectUris, []);
    assert.equal(application.groupMembershipClaims, 'SecurityGroup');
    assert.equal(application.api?.requestedAccessTokenVersion, 2);
    assert.deepEqual(
      application.optionalClaims?.idToken.map((claim) => claim.name),
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

  it('follows the file: token version, group claims, upn, no sid; never a web client (#14.7)', () => {
    const file = accessFile((raw) => {
      raw.app = {
        name: 'k',
        tokenVersion: 1,
        groupMembershipClaims: 'ApplicationGroup',
        web: { redirectUris: ['https://portal.example/cb'], credential: 'secret' },
      };
      raw.identity = { username: { claim: 'upn' }, extra: { sid: false } };
    });
    const desired = desiredFor(file, undefined, now);
    assert.equal(desired.application.api?.requestedAccessTokenVersion, 1);
    assert.equal(desired.application.groupMembershipClaims, 'ApplicationGroup');
    assert.deepEqual(
      desired.application.optionalClaims?.accessToken.map((claim) => claim.name),
      ['upn'],
    );
    assert.deepEqual(desired.application.web.redirectUris, [], 'the web client has an app of its own');
    assert.deepEqual(desired.credential, { kind: 'none' }, 'no secret on the cluster app');
    assert.deepEqual(desired.grants, { preAuthorized: [] }, 'app.web.clusters is empty: nothing exposed');
  });

  it('assigns each group once (names compare case-insensitively) and not the groups of expired rules', () => {
    const { groups } = desiredFor(accessFile(), undefined, now);
    assert.deepEqual(groups, [
      { written: 'platform-admins', ruleIndex: 0 },
      { written: 'developers', ruleIndex: 1 },
    ]);
  });

  it('one app per environment, assigned only the groups of the rules that reach its clusters', () => {
    const file = accessFile((raw) => {
      raw.clusters = [
        { name: 'prod', environment: 'production' },
        { name: 'prod-eu', environment: 'production' },
        { name: 'stage', environment: 'staging' },
      ];
      raw.rules = [
        { group: 'platform-admins', clusterRole: 'cluster-admin' },
        { group: 'developers', clusterRole: 'edit', clusters: ['stage'] },
        { group: 'oncall', clusterRole: 'view', clusters: ['prod-eu'] },
      ];
    });
    const apps = clusterApps(file);
    assert.deepEqual(
      apps.map((app) => [app.displayName, app.environment, app.clusters.map((cluster) => cluster.name)]),
      [
        ['kentra-prod-production', 'production', ['prod', 'prod-eu']],
        ['kentra-prod-staging', 'staging', ['stage']],
      ],
      'every cluster has an environment: `app` serves none and is not managed',
    );
    const groups = apps.map((app) => desiredClusterApp(file, app, now).groups.map((group) => group.written));
    assert.deepEqual(groups, [
      ['platform-admins', 'oncall'],
      ['platform-admins', 'developers'],
    ]);
  });
});

describe('the desired web client', () => {
  it("an app of its own: redirect URIs, credential, and kentra's scope of the granted apps", () => {
    const desired = desiredWebClient(
      {
        name: 'kentra-portal',
        redirectUris: ['https://portal.example/cb'],
        credential: 'secret',
        clusters: ['prod'],
      },
      ['b0000000-0000-4000-8000-000000000002'],
    );
    assert.equal(desired.application.displayName, 'kentra-portal');
    assert.deepEqual(desired.application.web.redirectUris, ['https://portal.example/cb']);
    assert.equal(desired.application.publicClient, undefined, 'no public client');
    assert.deepEqual(desired.application.requiredResourceAccess[1], {
      resourceAppId: 'b0000000-0000-4000-8000-000000000002',
      resourceAccess: [{ id: kentraScope.id, type: 'Scope' }],
    });
    assert.deepEqual(desired.credential, { kind: 'secret', displayName: 'kentra-web' });
    assert.equal(desired.servicePrincipal, undefined, 'assignment left as it is');
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
    assert.ok(file.app.web);
    assert.equal(file.app.web.name, 'kentra-prod-web', 'named after the app by default');
    assert.deepEqual(desiredWebClient(file.app.web, []).credential, {
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
