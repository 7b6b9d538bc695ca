/**
 * Directory objects as Microsoft Graph JSON (v1.0 property names and shapes;
 * reference §3 and §4). Secrets and passwords are never part of the output.
 */
import { customKeyIdentifier } from '../certificates.js';
import type { Directory } from '../directory.js';
import type {
  Application,
  AppRoleAssignment,
  Group,
  KeyCredential,
  PasswordCredential,
  ServicePrincipal,
  Tenant,
  User,
} from '../model.js';

export type Json = Record<string, unknown>;

/** Every user property the emulator knows; `$select` picks from these. */
export function userJson(user: User): Json {
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
    createdDateTime: user.createdDateTime,
    signInSessionsValidFromDateTime: new Date(
      Math.max(user.signInSessionsValidFrom, Date.parse(user.createdDateTime)),
    ).toISOString(),
  };
}

/** Graph's default user projection: `accountEnabled` and friends only with `$select` (reference §4). */
export const defaultUserProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

export function groupJson(group: Group): Json {
  return {
    id: group.id,
    deletedDateTime: null,
    createdDateTime: group.createdDateTime,
    description: group.description,
    displayName: group.displayName,
    groupTypes: [],
    isAssignableToRole: group.isAssignableToRole,
    mail: null,
    mailEnabled: group.mailEnabled,
    mailNickname: group.displayName.replace(/[^A-Za-z0-9-]/g, ''),
    securityEnabled: group.securityEnabled,
    visibility: null,
  };
}

/** Graph returns a certificate's metadata; `key` (the certificate itself) only with $select, so never here. */
export function keyCredentialJson(c: KeyCredential): Json {
  return {
    customKeyIdentifier: customKeyIdentifier(c),
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    key: null,
    keyId: c.keyId,
    startDateTime: c.startDateTime,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

export function passwordCredentialJson(c: PasswordCredential, secretText: string | null = null): Json {
  return {
    customKeyIdentifier: null,
    displayName: c.displayName,
    endDateTime: c.endDateTime,
    hint: c.hint,
    keyId: c.keyId,
    secretText,
    startDateTime: c.startDateTime,
  };
}

export function applicationJson(app: Application, tenant: Tenant): Json {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: app.groupMembershipClaims,
    identifierUris: app.identifierUris,
    isFallbackPublicClient: app.isFallbackPublicClient,
    publisherDomain: tenant.domain,
    signInAudience: app.signInAudience,
    tags: [],
    optionalClaims: null,
    requiredResourceAccess: [],
    ...app.extra,
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: app.requestedAccessTokenVersion,
      oauth2PermissionScopes: app.oauth2PermissionScopes,
      preAuthorizedApplications: app.preAuthorizedApplications ?? [],
    },
    appRoles: app.appRoles,
    keyCredentials: app.keyCredentials.map(keyCredentialJson),
    passwordCredentials: app.passwordCredentials.map((c) => passwordCredentialJson(c)),
    publicClient: { redirectUris: app.publicClientRedirectUris },
    // SPA redirect URIs are stored as given (a PATCH of `spa`), so a misconfigured app reads back as one.
    spa: app.extra.spa ?? { redirectUris: [] },
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: app.webRedirectUris,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
  };
}

export function servicePrincipalJson(sp: ServicePrincipal, tenant: Tenant, directory: Directory): Json {
  const app = directory.application(tenant, sp.appId);
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: app?.builtIn ? null : tenant.id,
    appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
    displayName: sp.displayName,
    servicePrincipalNames: sp.servicePrincipalNames,
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: app?.signInAudience ?? 'AzureADMyOrg',
    tags: [],
    appRoles: app?.appRoles ?? [],
    oauth2PermissionScopes: app?.oauth2PermissionScopes ?? [],
  };
}

export function assignmentJson(a: AppRoleAssignment): Json {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime,
    principalDisplayName: a.principalDisplayName,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  };
}

/** A member or membership as a directoryObject with its `@odata.type`. */
export function directoryObjectJson(tenant: Tenant, id: string): Json | undefined {
  const user = tenant.users.get(id);
  if (user) return { '@odata.type': '#microsoft.graph.user', ...userJson(user) };
  const group = tenant.groups.get(id);
  if (group) return { '@odata.type': '#microsoft.graph.group', ...groupJson(group) };
  const sp = tenant.servicePrincipals.get(id);
  if (sp)
    return {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      id: sp.id,
      appId: sp.appId,
      displayName: sp.displayName,
    };
  return undefined;
}
