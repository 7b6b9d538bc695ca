/**
 * Microsoft's own apps that exist in every Entra tenant besides Microsoft Graph:
 * the Azure CLI (a public client: `az login`, and @azure/identity's default
 * client for device code and browser sign-in) and Azure Resource Manager (the
 * resource `az login` asks a token for). With them, the real `az` and
 * @azure/identity's defaults work against the emulator unchanged.
 * App IDs: learn.microsoft.com "Application IDs of commonly used Microsoft applications".
 */
import { stableGuid } from './ids.js';
import type { Application } from './model.js';

export const azureCliClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const azureResourceManagerAppId = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

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

export function firstPartyApplications(tenantId: string): Application[] {
  return [
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
