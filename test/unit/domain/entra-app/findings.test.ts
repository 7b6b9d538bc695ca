import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CheckInput,
  checkRegistration,
  checkWebClient,
} from '../../../../src/domain/entra-app/findings.js';
import { graphApplication } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const sp = {
  id: 's1',
  appId: 'b0000000-0000-4000-8000-000000000002',
  displayName: 'k',
  appRoleAssignmentRequired: true,
};
const assignment = {
  id: 'x',
  appRoleId: '0',
  principalId: 'G1',
  principalType: 'Group',
  principalDisplayName: 'admins',
};

function check(overrides: Partial<CheckInput> = {}) {
  return checkRegistration({
    application: graphApplication(),
    servicePrincipal: sp,
    assignments: [assignment],
    expectedTokenVersion: 2,
    expectedGroups: [{ id: 'g1', name: 'admins' }],
    now,
    ...overrides,
  }).map((finding) => `${finding.severity} ${finding.code} ${finding.field}`);
}

describe('checkRegistration', () => {
  it('finds nothing wrong with the app kentra sets up', () => {
    assert.deepEqual(check(), []);
  });

  it('names each problem of the application object at its field', () => {
    const cases: [Partial<Parameters<typeof graphApplication>[0]>, string][] = [
      [{ groupMembershipClaims: null }, 'error group-claims-missing groupMembershipClaims'],
      [{ groupMembershipClaims: 'None' }, 'error group-claims-missing groupMembershipClaims'],
      [{ groupMembershipClaims: 'All' }, 'warning group-claims-all groupMembershipClaims'],
      [{ api: { requestedAccessTokenVersion: null } }, 'error token-version api.requestedAccessTokenVersion'],
      [{ requiredResourceAccess: [] }, 'warning offline-access-missing requiredResourceAccess'],
      [{ signInAudience: 'AzureADandPersonalMicrosoftAccount' }, 'error multi-tenant signInAudience'],
      [{ isFallbackPublicClient: null }, 'warning public-client-flows-disabled isFallbackPublicClient'],
      [
        { web: { redirectUris: [], implicitGrantSettings: { enableIdTokenIssuance: true } } },
        'warning implicit-grant web.implicitGrantSettings',
      ],
    ];
    for (const [override, expected] of cases)
      assert.deepEqual(
        check({ application: graphApplication(override) }),
        [expected],
        JSON.stringify(override),
      );
  });

  it('a loopback URI on the SPA platform instead of the public client is two findings', () => {
    const application = graphApplication({
      spa: { redirectUris: ['http://localhost:8000'] },
      publicClient: { redirectUris: [] },
    });
    assert.deepEqual(check({ application }), [
      'error spa-redirect spa.redirectUris',
      'error loopback-redirect-missing publicClient.redirectUris',
    ]);
  });

  it('v1 is right when the cluster expects v1, and only a warning when nothing is expected', () => {
    const application = graphApplication({ api: { requestedAccessTokenVersion: 1 } });
    assert.deepEqual(check({ application, expectedTokenVersion: 1 }), []);
    assert.deepEqual(check({ application, expectedTokenVersion: undefined }), [
      'warning token-version api.requestedAccessTokenVersion',
    ]);
  });

  it('a rule naming a group Entra does not know is an error at the rule', () => {
    assert.deepEqual(
      check({ unknownGroups: [{ field: 'rules[2].group', message: 'no Entra group named "devs"' }] }),
      ['error group-unknown rules[2].group'],
    );
  });

  it('a requested "groups" scope is AADSTS650053', () => {
    assert.deepEqual(check({ requestedScopes: ['openid', 'Groups'] }), ['error groups-scope scopes']);
  });

  it('checks the service principal: missing, assignment not required, nobody or not every group assigned', () => {
    assert.deepEqual(check({ servicePrincipal: undefined }), [
      'error service-principal-missing servicePrincipal',
    ]);
    assert.deepEqual(check({ servicePrincipal: { ...sp, appRoleAssignmentRequired: false } }), [
      'warning assignment-not-required servicePrincipal.appRoleAssignmentRequired',
    ]);
    assert.deepEqual(check({ assignments: [] }), [
      'error no-assignments servicePrincipal.appRoleAssignedTo',
      'error group-not-assigned servicePrincipal.appRoleAssignedTo',
    ]);
    assert.deepEqual(
      check({
        expectedGroups: [
          { id: 'g1', name: 'admins' },
          { id: 'g2', name: 'devs' },
        ],
      }),
      ['error group-not-assigned servicePrincipal.appRoleAssignedTo'],
    );
  });

  it('warns about a secret that expires within 30 days and fails an expired one', () => {
    const secret = (endDateTime: string) =>
      graphApplication({ passwordCredentials: [{ keyId: 'k', displayName: 'web', endDateTime }] });
    const expiry = (application: ReturnType<typeof secret>) =>
      check({ application }).filter((line) => line.includes('secret-expiring'));
    assert.deepEqual(expiry(secret('2026-06-20T00:00:00Z')), [
      'warning secret-expiring passwordCredentials[web]',
    ]);
    assert.deepEqual(expiry(secret('2026-05-01T00:00:00Z')), [
      'error secret-expiring passwordCredentials[web]',
    ]);
    assert.deepEqual(expiry(secret('2027-06-01T00:00:00Z')), []);
  });

  it('flags a web client on the cluster app, and any credential there (#14.7)', () => {
    assert.deepEqual(
      check({
        application: graphApplication({
          web: { redirectUris: ['https://portal.example/cb'] },
          passwordCredentials: [
            { keyId: 'k', displayName: 'kentra-web', endDateTime: '2027-06-01T00:00:00Z' },
          ],
        }),
        federatedCredentials: [{ name: 'portal' }],
      }),
      [
        'error web-client-on-cluster-app web.redirectUris',
        'warning cluster-app-credential passwordCredentials',
      ],
    );
    const [finding] = checkRegistration({
      application: graphApplication({ web: { redirectUris: ['https://portal.example/cb'] } }),
      servicePrincipal: sp,
      assignments: [assignment],
      now,
    });
    assert.match(
      finding?.message ?? '',
      /ID tokens that web client receives name the cluster app as audience/,
    );
    assert.match(finding?.hint ?? '', /app of its own.*--dry-run/);
  });
});

describe('checkWebClient', () => {
  const web = graphApplication({
    appId: 'C0FFEE00-0000-4000-8000-000000000001',
    displayName: 'portal',
    publicClient: { redirectUris: [] },
    web: { redirectUris: ['https://portal.example/cb'] },
  });
  const codes = (input: Partial<Parameters<typeof checkWebClient>[0]>) =>
    checkWebClient({ application: web, allowedClientApps: [], grantedClusters: [], now, ...input }).map(
      (finding) => `${finding.severity} ${finding.code} ${finding.field}`,
    );

  it('flags a web client granted clusters but missing from an allow-list', () => {
    assert.deepEqual(codes({}), [], 'no allow-list: nothing to add');
    assert.deepEqual(codes({ allowedClientApps: ['other'], grantedClusters: [] }), [], 'granted no cluster');
    assert.deepEqual(codes({ allowedClientApps: ['other'], grantedClusters: ['prod'] }), [
      'warning web-client-not-allowed policy.allowedClientApps',
    ]);
    assert.deepEqual(
      codes({ allowedClientApps: ['c0ffee00-0000-4000-8000-000000000001'], grantedClusters: ['prod'] }),
      [],
      'listed (case-insensitively)',
    );
  });

  it('is no public client check: only what a confidential web app can get wrong', () => {
    assert.deepEqual(codes({ application: { ...web, signInAudience: 'AzureADMultipleOrgs' } }), [
      'error multi-tenant signInAudience',
    ]);
  });

  it('warns when a group with permanent members gets cluster-admin-like rights', () => {
    const admin = (permanentMembers: number, approximate = false) => ({
      field: 'rules[0]',
      group: 'platform-admins',
      grant: 'ClusterRole cluster-admin cluster-wide',
      permanentMembers,
      approximate,
    });
    assert.deepEqual(check({ standingAdmins: [admin(1)] }), ['warning standing-admin rules[0]']);
    assert.deepEqual(check({ standingAdmins: [admin(0)] }), [], 'only PIM activations: just-in-time, fine');
    const [finding] = checkRegistration({
      application: graphApplication(),
      servicePrincipal: sp,
      assignments: [assignment],
      expectedGroups: [{ id: 'g1', name: 'admins' }],
      now,
      standingAdmins: [admin(3, true)],
    });
    assert.match(
      finding?.message ?? '',
      /has 3 permanent member\(s\) \(PIM not readable: every member counted\)/,
    );
    assert.match(finding?.hint ?? '', /jit: true/);
  });
});
