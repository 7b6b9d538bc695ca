/**
 * Microsoft's own apps that exist in every Entra tenant: Microsoft Graph (a
 * resource with v1 access tokens and the permissions kentra and its tests use),
 * the Azure CLI (a public client: `az login`, and @azure/identity's default
 * client for device code and browser sign-in) and Azure Resource Manager (the
 * resource `az login` asks a token for). With them, the real `az` and
 * @azure/identity's defaults work against the emulator unchanged.
 * App IDs: learn.microsoft.com "Application IDs of commonly used Microsoft applications".
 */
import { stableGuid } from './ids.js';
import { type Application, type AppRole, graphAppId, graphResource } from './model.js';

export const azureResourceManagerAppId = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

// The emulator spells Entra's facts itself (it is the independent party kentra is tested against).
export const azureCliClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

const created = '2026-01-01T00:00:00Z';

function firstParty(
  tenantId: string,
  fields: Partial<Application> & Pick<Application, 'appId'>,
): Application {
  return {
    id: stableGuid(tenantId, 'application', fields.appId),
    displayName: fields.appId,
    signInAudience: 'AzureADMultipleOrgs',
    isFallbackPublicClient: false,
    publicClientRedirectUris: [],
    webRedirectUris: [],
    identifierUris: [],
    groupMembershipClaims: null,
    requestedAccessTokenVersion: 1,
    oauth2PermissionScopes: [],
    appRoles: [],
    passwordCredentials: [],
    keyCredentials: [],
    federatedIdentityCredentials: [],
    createdDateTime: created,
    builtIn: true,
    extra: {},
    version: 0,
    ...fields,
  };
}

function graphRole(value: string): AppRole {
  return {
    id: stableGuid('graph-app-role', value),
    value,
    displayName: value,
    description: `Microsoft Graph application permission ${value}`,
    allowedMemberTypes: ['Application'],
    isEnabled: true,
  };
}

const graphRoles = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Policy.Read.All',
  'Policy.ReadWrite.ConditionalAccess',
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
  'RoleManagementPolicy.ReadWrite.AzureADGroup',
  'User.Read.All',
  'User.ReadWrite.All',
  'User.RevokeSessions.All',
].map(graphRole);

const graphScopes = ['User.Read', ...graphRoles.map((r) => r.value)];

/** Graph, the Azure CLI and Azure Resource Manager, for one tenant (their service principals are the caller's). */
export function firstPartyApplications(tenantId: string): Application[] {
  return [
    firstParty(tenantId, {
      appId: graphAppId,
      displayName: 'Microsoft Graph',
      identifierUris: [graphResource, 'https://graph.microsoft.com/'],
      oauth2PermissionScopes: graphScopes.map((value) => ({
        id: stableGuid('graph-scope', value),
        value,
        adminConsentDisplayName: value,
        adminConsentDescription: `Microsoft Graph delegated permission ${value}`,
        type: 'User',
        isEnabled: true,
      })),
      appRoles: graphRoles,
    }),
    firstParty(tenantId, {
      appId: azureCliClientId,
      displayName: 'Microsoft Azure CLI',
      isFallbackPublicClient: true,
      publicClientRedirectUris: ['http://localhost'],
    }),
    firstParty(tenantId, {
      appId: azureResourceManagerAppId,
      displayName: 'Windows Azure Service Management API',
      identifierUris: ['https://management.core.windows.net/', 'https://management.azure.com/'],
      oauth2PermissionScopes: [
        {
          id: stableGuid('arm-scope', 'user_impersonation'),
          value: 'user_impersonation',
          adminConsentDisplayName: 'Access Azure Service Management as organization users',
          adminConsentDescription: 'Access Azure Service Management as organization users',
          type: 'User',
          isEnabled: true,
        },
      ],
    }),
  ];
}
