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

/** A delegated permission an API exposes (Graph `permissionScope`). */
export interface PermissionScope {
  id: string;
  value: string;
  type: 'User' | 'Admin';
  isEnabled: boolean;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  userConsentDisplayName?: string | null;
  userConsentDescription?: string | null;
}

/** A client app an API lets use some of its delegated permissions without consent (Graph `preAuthorizedApplication`). */
export interface PreAuthorizedApplication {
  appId: string;
  delegatedPermissionIds: string[];
}

export interface ApiSettings {
  requestedAccessTokenVersion: 1 | 2 | null;
  oauth2PermissionScopes?: PermissionScope[];
  preAuthorizedApplications?: PreAuthorizedApplication[];
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
  /** App ID URIs (`api://<appId>`): how a scope names the app. */
  identifierUris?: string[];
  api: ApiSettings | null;
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

/**
 * The one delegated permission kentra exposes on a cluster app when a web client may act for its
 * users (`api://<appId>/user_impersonation`). Its ID is fixed: scope IDs need only be unique
 * within their app, and a fixed one keeps a dry run exactly what a real run sends.
 */
export const kentraScope = {
  id: 'e6b69864-e3fd-4127-acd6-6a46e53ba348',
  value: 'user_impersonation',
} as const;

/** The App ID URI kentra gives a cluster app that exposes its scope (Entra's default form, allowed by every identifier URI policy). */
export function defaultIdentifierUri(appId: string): string {
  return `api://${appId}`;
}

/** The only audience a federated identity credential may name for Entra. */
export const tokenExchangeAudience = 'api://AzureADTokenExchange';
