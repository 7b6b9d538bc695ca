/**
 * The built-in demo tenant, used when `kentra emulator` runs without --seed.
 * Its IDs are fixed so that demos, docs and tests can name them. It goes
 * through the same validation as a user's seed file.
 */
import type { SeedDocument, SeedUser } from './seed-schema.js';

export const demoTenantId = '6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13';
export const demoDomain = 'kentra-demo.onmicrosoft.com';
/** The kentra app registration: a public client for kubectl sign-in (loopback + device code). */
export const demoKentraClientId = '3f9b7c1e-5a2d-4e6f-8b0c-9d1e2f3a4b5c';
/** A confidential client with Microsoft Graph application permissions (for `kentra entra setup` and tests). */
export const demoAutomationClientId = '9e2d4c6b-8a1f-4b3e-a5d7-c9f0e1b2a3d4';
/** Its client secret. A published demo value: the emulator is a local test double, never a real tenant. */
export const demoAutomationSecret = 'kentra-demo-automation-secret-0001';
/** Another app: its tokens have another audience (for "wrong audience" tests). */
export const demoOtherClientId = '5c8e1a3f-2b4d-4f6e-9a7c-0e1d2c3b4a59';
/** An app with appRoleAssignmentRequired that only platform-admins are assigned to (50105 for others). */
export const demoRestrictedClientId = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
/** The host's system-assigned managed identity (Graph read permissions), served by the managed-identity endpoint. */
export const demoHostIdentityClientId = 'a4c2e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e';
/** A user-assigned managed identity (reads users and memberships, as the webhook needs), chosen by client ID. */
export const demoWebhookIdentityClientId = 'b5d3f7a9-2c4e-4a6b-8d0f-3e5a7b9c1d2f';
export const demoPassword = 'Kentra!demo-2026';
export const demoMfaCode = '246810';

/** How many `project-NNN` groups the many-groups user is in: above Entra's 200-group JWT limit. */
export const manyGroupsCount = 210;

const upn = (local: string) => `${local}@${demoDomain}`;

function user(
  local: string,
  displayName: string,
  memberOf: string[],
  extra: Partial<SeedUser> = {},
): SeedUser {
  return {
    userPrincipalName: upn(local),
    displayName,
    password: demoPassword,
    mfaCode: demoMfaCode,
    memberOf,
    ...extra,
  };
}

const projectGroups = Array.from(
  { length: manyGroupsCount },
  (_, i) => `project-${String(i + 1).padStart(3, '0')}`,
);

const graphPermissions = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Directory.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'User.ReadWrite.All',
  'AuditLog.Read.All',
  'Policy.Read.All',
  'Policy.ReadWrite.ConditionalAccess',
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
];

/**
 * Groups onboarded to PIM for Groups, one per activation path: plain (justification),
 * approval by Alex, MFA at activation, authentication context c1 (the step-up policy below).
 */
export const demoPimGroups = {
  oncall: 'oncall',
  approval: 'prod-deployers',
  mfa: 'security-responders',
  authContext: 'break-glass',
} as const;

export function defaultSeed(): SeedDocument {
  return {
    tenants: [
      {
        id: demoTenantId,
        domain: demoDomain,
        displayName: 'Kentra Demo',
        users: [
          user('alex.admin', 'Alex Admin', ['platform-admins']),
          user('devi.developer', 'Devi Developer', ['developers']),
          user('nico.nogroups', 'Nico Nogroups', []),
          user('dora.disabled', 'Dora Disabled', ['developers'], { accountEnabled: false }),
          user('gus_partner.example#EXT#', 'Gus Guest', ['viewers'], {
            userType: 'Guest',
            mail: 'gus@partner.example',
          }),
          user('manny.manygroups', 'Manny Manygroups', ['developers', ...projectGroups]),
        ],
        groups: [
          { displayName: 'platform-admins', description: 'Cluster administrators', isAssignableToRole: true },
          { displayName: 'developers', description: 'Application developers' },
          { displayName: 'viewers', description: 'Read-only access' },
          {
            displayName: 'all-engineers',
            description: 'Nested: platform-admins and developers',
            members: ['platform-admins', 'developers'],
          },
          ...projectGroups.map((displayName) => ({ displayName })),
          {
            displayName: demoPimGroups.oncall,
            description: 'On-call engineers (PIM: activate for up to 4 hours)',
          },
          { displayName: demoPimGroups.approval, description: 'Production deployers (PIM: Alex approves)' },
          { displayName: demoPimGroups.mfa, description: 'Security responders (PIM: MFA at activation)' },
          {
            displayName: demoPimGroups.authContext,
            description: 'Break-glass (PIM: authentication context c1)',
          },
        ],
        applications: [
          {
            displayName: 'kentra',
            appId: demoKentraClientId,
            publicClient: true,
            redirectUris: ['http://localhost', 'http://127.0.0.1'],
            identifierUris: [`api://${demoKentraClientId}`],
            groupMembershipClaims: 'SecurityGroup',
            requestedAccessTokenVersion: 2,
            scopes: ['user_impersonation'],
            // `acct` (0 member, 1 guest) lets the cluster tell B2B guests apart.
            optionalClaims: { idToken: ['acct'], accessToken: ['acct'] },
          },
          {
            displayName: 'kentra-automation',
            appId: demoAutomationClientId,
            secrets: [{ displayName: 'demo', value: demoAutomationSecret }],
            apiPermissions: [{ resource: 'Microsoft Graph', roles: graphPermissions }],
          },
          {
            displayName: 'Contoso Dashboard',
            appId: demoOtherClientId,
            publicClient: true,
            redirectUris: ['http://localhost'],
            groupMembershipClaims: 'SecurityGroup',
          },
          {
            displayName: 'kentra-host-identity',
            appId: demoHostIdentityClientId,
            managedIdentity: 'systemAssigned',
            apiPermissions: [
              {
                resource: 'Microsoft Graph',
                roles: [
                  'Application.Read.All',
                  'AuditLog.Read.All',
                  'Group.Read.All',
                  'GroupMember.Read.All',
                  'User.Read.All',
                ],
              },
            ],
          },
          {
            displayName: 'kentra-webhook-identity',
            appId: demoWebhookIdentityClientId,
            managedIdentity: 'userAssigned',
            apiPermissions: [
              { resource: 'Microsoft Graph', roles: ['GroupMember.Read.All', 'User.Read.All'] },
            ],
          },
          {
            displayName: 'Payroll',
            appId: demoRestrictedClientId,
            publicClient: true,
            redirectUris: ['http://localhost'],
            appRoleAssignmentRequired: true,
            assignments: [{ principal: 'platform-admins' }],
          },
        ],
        namedLocations: [
          { displayName: 'Loopback', isTrusted: true, ipRanges: [{ cidrAddress: '127.0.0.0/8' }] },
        ],
        conditionalAccessPolicies: [
          {
            displayName: 'Require MFA for Payroll',
            state: 'enabled',
            conditions: {
              applications: { includeApplications: ['Payroll'] },
              users: { includeUsers: ['All'] },
            },
            grantControls: { operator: 'OR', builtInControls: ['mfa'] },
          },
          {
            displayName: 'Step-up (authentication context c1) requires MFA',
            state: 'enabled',
            conditions: {
              applications: { includeAuthenticationContextClassReferences: ['c1'] },
              users: { includeUsers: ['All'] },
            },
            grantControls: { operator: 'OR', builtInControls: ['mfa'] },
          },
        ],
        privilegedAccessGroups: [
          { group: demoPimGroups.oncall, maximumDuration: 'PT4H', eligible: [upn('devi.developer')] },
          {
            group: demoPimGroups.approval,
            approvers: [upn('alex.admin')],
            eligible: [upn('devi.developer')],
          },
          { group: demoPimGroups.mfa, requireMfa: true, eligible: [upn('devi.developer')] },
          {
            group: demoPimGroups.authContext,
            authenticationContext: 'c1',
            eligible: [upn('devi.developer')],
          },
        ],
      },
    ],
  };
}
