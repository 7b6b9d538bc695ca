/**
 * The emulator's directory objects. Field names follow Microsoft Graph so the
 * Graph endpoints can project them without renaming; secrets and passwords are
 * kept only as hashes or in memory, never served.
 */
import type { TenantPim } from './pim-model.js';

export type UserType = 'Member' | 'Guest';

export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userType: UserType;
  accountEnabled: boolean;
  /** Plain text: this is a local emulator with demo accounts; never served by Graph. */
  password: string;
  /** The one-time code the MFA step accepts (the emulator's stand-in for an authenticator app). */
  mfaCode: string;
  createdDateTime: string;
  /** Refresh tokens and sessions issued before this instant (ms) are revoked (revokeSignInSessions). */
  signInSessionsValidFrom: number;
  /** Directory change counter at the last change (delta queries). */
  version: number;
}

export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  /**
   * Role-assignable: only Privileged Role Administrators (not group owners) manage its
   * members; set at creation and never changed (Graph's `isAssignableToRole`).
   */
  isAssignableToRole: boolean;
  /** Direct members: user, group or service principal object IDs. */
  members: Set<string>;
  createdDateTime: string;
  version: number;
}

export type GroupMembershipClaims = 'None' | 'SecurityGroup' | 'ApplicationGroup' | 'DirectoryRole' | 'All';

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: ('User' | 'Application')[];
  isEnabled: boolean;
}

export interface PermissionScope {
  id: string;
  value: string;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  type: 'User' | 'Admin';
  isEnabled: boolean;
}

export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  /** SHA-256 (base64url) of the secret text; the text itself is returned once by addPassword. */
  secretHash: string;
  startDateTime: string;
  endDateTime: string;
}

/**
 * A certificate credential (Graph `keyCredential` of type AsymmetricX509Cert, usage Verify): the app
 * proves itself with a client assertion signed by the certificate's key, named by its thumbprint.
 */
export interface KeyCredential {
  keyId: string;
  displayName: string | null;
  /** The certificate (DER, base64), as Graph takes it in `key`. */
  key: string;
  /** base64url SHA-1 and SHA-256 of the DER: what a client assertion's `x5t` / `x5t#S256` carries. */
  x5t: string;
  x5tS256: string;
  /** The certificate's public key, SPKI PEM. */
  publicKeyPem: string;
  startDateTime: string;
  endDateTime: string;
}

/** Graph `federatedIdentityCredential`: tokens of an external issuer this app accepts as its credential. */
export interface FederatedIdentityCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

export type ManagedIdentityKind = 'systemAssigned' | 'userAssigned';

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  /** `isFallbackPublicClient`: may redeem device codes and loopback codes without a secret. */
  isFallbackPublicClient: boolean;
  publicClientRedirectUris: string[];
  webRedirectUris: string[];
  identifierUris: string[];
  groupMembershipClaims: GroupMembershipClaims | null;
  /** 1 or null: v1 access tokens; 2: v2 access tokens (set by the resource, not the endpoint). */
  requestedAccessTokenVersion: 1 | 2 | null;
  oauth2PermissionScopes: PermissionScope[];
  /** `api.preAuthorizedApplications`: clients that need no consent for these of its scopes. */
  preAuthorizedApplications?: { appId: string; delegatedPermissionIds: string[] }[];
  appRoles: AppRole[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
  /**
   * Set for a managed identity: it has a service principal but no app registration (not under
   * /applications), and gets tokens only from the managed-identity endpoint.
   */
  managedIdentity?: ManagedIdentityKind;
  createdDateTime: string;
  /** First-party resources (Microsoft Graph) exist in every tenant but are not listed under /applications. */
  builtIn: boolean;
  /** Graph properties stored and returned as given (requiredResourceAccess, optionalClaims, tags, ...). */
  extra: Record<string, unknown>;
  version: number;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity';
  appRoleAssignmentRequired: boolean;
  servicePrincipalNames: string[];
  createdDateTime: string;
  version: number;
}

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

/** Graph `ipNamedLocation` (country locations are accepted and never match loopback). */
export interface NamedLocation {
  id: string;
  displayName: string;
  isTrusted: boolean;
  /** CIDR strings, IPv4 or IPv6. */
  cidrs: string[];
  createdDateTime: string;
}

/** Graph `conditionalAccessPolicy`, kept as the JSON Graph serves (validated on the way in). */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  createdDateTime: string;
  modifiedDateTime: string | null;
  conditions: {
    applications: {
      includeApplications: string[];
      excludeApplications: string[];
      includeAuthenticationContextClassReferences: string[];
    };
    users: {
      includeUsers: string[];
      excludeUsers: string[];
      includeGroups: string[];
      excludeGroups: string[];
    };
    locations: { includeLocations: string[]; excludeLocations: string[] } | null;
    clientAppTypes: string[];
    /**
     * Graph's conditionalAccessAuthenticationFlows: `transferMethods` is a comma-separated flags
     * value (`deviceCodeFlow`, `authenticationTransfer`); the policy then applies only to sign-ins
     * through those flows. null: every flow.
     */
    authenticationFlows: { transferMethods: string } | null;
  };
  grantControls: { operator: 'AND' | 'OR'; builtInControls: string[] } | null;
}

export interface Tenant {
  id: string;
  domain: string;
  displayName: string;
  users: Map<string, User>;
  groups: Map<string, Group>;
  applications: Map<string, Application>;
  servicePrincipals: Map<string, ServicePrincipal>;
  appRoleAssignments: AppRoleAssignment[];
  conditionalAccessPolicies: ConditionalAccessPolicy[];
  namedLocations: NamedLocation[];
  /** Pairwise `sub` salt: unique per tenant, stable for a seed. */
  subjectSalt: string;
  /** PIM for Groups: onboarded groups and their policies, eligibility, activations, requests. */
  privilegedAccess: TenantPim;
}

/** An app registration of the tenant (not a first-party app, not a managed identity). */
export function isRegistered(app: Application): boolean {
  return !app.builtIn && app.managedIdentity === undefined;
}

/** Microsoft Graph's well-known app ID; tokens for it are v1 with `aud` https://graph.microsoft.com. */
export const graphAppId = '00000003-0000-0000-c000-000000000000';
export const graphResource = 'https://graph.microsoft.com';
