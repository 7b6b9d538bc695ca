/**
 * The parts of an Entra app registration, its service principal and its app
 * role assignments that Kubernetes access depends on, as Microsoft Graph
 * (v1.0) names them. Both the desired state (from kentra.yaml) and the
 * state read from Graph use these shapes, so they can be compared.
 * Source: learn.microsoft.com/graph/api/resources/application,
 * .../serviceprincipal, .../approleassignment.
 */

export interface OptionalClaim {
  name: string;
  source: string | null;
  essential: boolean;
  additionalProperties: string[];
}

export interface OptionalClaims {
  idToken: OptionalClaim[];
  accessToken: OptionalClaim[];
  saml2Token: OptionalClaim[];
}

export interface ResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Scope' | 'Role' }[];
}

export interface PasswordCredentialInfo {
  keyId: string;
  displayName: string | null;
  endDateTime: string | null;
  hint?: string | null;
}

/** An application object as Graph returns it (the fields kentra reads). */
export interface Application {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  isFallbackPublicClient: boolean | null;
  groupMembershipClaims: string | null;
  optionalClaims: OptionalClaims | null;
  api: { requestedAccessTokenVersion: 1 | 2 | null } | null;
  publicClient: { redirectUris: string[] } | null;
  spa: { redirectUris: string[] } | null;
  web: {
    redirectUris: string[];
    implicitGrantSettings?: { enableIdTokenIssuance?: boolean; enableAccessTokenIssuance?: boolean };
  } | null;
  requiredResourceAccess: ResourceAccess[] | null;
  passwordCredentials?: PasswordCredentialInfo[];
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoleAssignmentRequired: boolean;
}

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: string;
  principalDisplayName: string;
}

export interface FederatedCredential {
  id?: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

/**
 * Delegated Graph permissions a sign-in client asks for, by their global IDs
 * (learn.microsoft.com/graph/permissions-reference). offline_access is what
 * lets `kentra get-token` refresh without a new sign-in every hour.
 */
export const graphDelegated = {
  openid: '37f7f235-527c-4136-accd-4a02d197296e',
  profile: '14dad69e-099b-42c9-810b-d002981feec1',
  offline_access: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
} as const;

/** The app role ID that means "default access" (an app that defines no roles). */
export const defaultAccessRoleId = '00000000-0000-0000-0000-000000000000';

/** The only audience a federated identity credential may name for Entra. */
export const tokenExchangeAudience = 'api://AzureADTokenExchange';
