/**
 * Typed Microsoft Graph helpers for app registrations, service principals,
 * app role assignments, secrets and federated credentials. Reads run at
 * once; writes are first described as a GraphWrite (method, path, body), so
 * a dry run can print exactly what would be sent, and a real run sends the
 * same description. A 403 becomes an error that names the permission.
 * Sources: learn.microsoft.com/graph/api/resources/application (and
 * serviceprincipal, approleassignment, federatedidentitycredential).
 */
import type {
  Application,
  AppRoleAssignment,
  FederatedCredential,
  ServicePrincipal,
} from '../../domain/entra-app/registration.js';
import { KentraError } from '../../errors.js';
import { type GraphClient, GraphRequestError } from './client.js';

/** One write request, as sent (and as a dry run prints it). */
export interface GraphWrite {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** What it does, in words. */
  summary: string;
  /** The Graph application permission it needs. */
  permission: GraphPermission;
}

export type GraphPermission =
  | 'Application.ReadWrite.All'
  | 'AppRoleAssignment.ReadWrite.All'
  | 'Group.Read.All';

const applicationSelect = [
  'id',
  'appId',
  'displayName',
  'signInAudience',
  'isFallbackPublicClient',
  'groupMembershipClaims',
  'optionalClaims',
  'identifierUris',
  'api',
  'publicClient',
  'spa',
  'web',
  'requiredResourceAccess',
  'passwordCredentials',
].join(',');

/** OData string literal: single quotes doubled. */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * A 403 from Graph as a KentraError that names the missing permission and
 * the admin-consent step; anything else passes through.
 */
export function explainDenied(error: unknown, permission: GraphPermission, action: string): unknown {
  if (!(error instanceof GraphRequestError) || error.status !== 403) return error;
  return new KentraError(
    'entra.permission',
    `Microsoft Graph refused to ${action}: the signed-in identity lacks ${permission} (${error.graphCode ?? '403'})`,
    {
      cause: error,
      hint: `Grant ${permission} to the identity kentra uses (an app: API permissions > Add > Microsoft Graph > Application permissions > ${permission}, then "Grant admin consent for <tenant>"; a user: sign in as an admin who can consent, or ask one to run \`kentra entra setup\`).`,
      details: { permission, graphCode: error.graphCode },
    },
  );
}

async function reading<T>(permission: GraphPermission, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explainDenied(error, permission, action);
  }
}

export function applicationsByAppId(client: GraphClient, appId: string): Promise<Application[]> {
  return reading('Application.ReadWrite.All', 'read app registrations', () =>
    client.list<Application>('/applications', {
      query: { $filter: `appId eq ${literal(appId)}`, $select: applicationSelect },
    }),
  );
}

export function applicationsByName(client: GraphClient, displayName: string): Promise<Application[]> {
  return reading('Application.ReadWrite.All', 'read app registrations', () =>
    client.list<Application>('/applications', {
      query: { $filter: `displayName eq ${literal(displayName)}`, $select: applicationSelect },
    }),
  );
}

export async function servicePrincipalOf(
  client: GraphClient,
  appId: string,
): Promise<ServicePrincipal | undefined> {
  const found = await reading('Application.ReadWrite.All', 'read service principals', () =>
    client.list<ServicePrincipal>('/servicePrincipals', {
      query: {
        $filter: `appId eq ${literal(appId)}`,
        $select: 'id,appId,displayName,appRoleAssignmentRequired',
      },
    }),
  );
  return found[0];
}

export function assignmentsOf(client: GraphClient, servicePrincipalId: string): Promise<AppRoleAssignment[]> {
  return reading('Application.ReadWrite.All', 'read app role assignments', () =>
    client.list<AppRoleAssignment>(`/servicePrincipals/${servicePrincipalId}/appRoleAssignedTo`),
  );
}

export function federatedCredentialsOf(
  client: GraphClient,
  applicationId: string,
): Promise<FederatedCredential[]> {
  return reading('Application.ReadWrite.All', 'read federated credentials', () =>
    client.list<FederatedCredential>(`/applications/${applicationId}/federatedIdentityCredentials`),
  );
}

/** Sends a described write; a 403 names the permission it needed. */
export async function send<T>(client: GraphClient, write: GraphWrite): Promise<T> {
  try {
    return await client.request<T>(write.method, write.path, { body: write.body });
  } catch (error) {
    throw explainDenied(error, write.permission, write.summary);
  }
}

export const writes = {
  createApplication: (body: { displayName: string }): GraphWrite => ({
    method: 'POST',
    path: '/applications',
    body,
    summary: `create the app registration ${body.displayName}`,
    permission: 'Application.ReadWrite.All',
  }),
  patchApplication: (id: string, body: object, name: string): GraphWrite => ({
    method: 'PATCH',
    path: `/applications/${id}`,
    body,
    summary: `update the app registration ${name}`,
    permission: 'Application.ReadWrite.All',
  }),
  createServicePrincipal: (appId: string, name: string): GraphWrite => ({
    method: 'POST',
    path: '/servicePrincipals',
    body: { appId },
    summary: `create the service principal of ${name}`,
    permission: 'Application.ReadWrite.All',
  }),
  patchServicePrincipal: (id: string, body: object): GraphWrite => ({
    method: 'PATCH',
    path: `/servicePrincipals/${id}`,
    body,
    summary: 'require assignment on the service principal',
    permission: 'Application.ReadWrite.All',
  }),
  assign: (
    servicePrincipalId: string,
    principalId: string,
    appRoleId: string,
    name: string,
    app: string,
  ): GraphWrite => ({
    method: 'POST',
    path: `/servicePrincipals/${servicePrincipalId}/appRoleAssignedTo`,
    body: { principalId, resourceId: servicePrincipalId, appRoleId },
    summary: `assign group ${name} to ${app}`,
    permission: 'AppRoleAssignment.ReadWrite.All',
  }),
  addPassword: (applicationId: string, displayName: string): GraphWrite => ({
    method: 'POST',
    path: `/applications/${applicationId}/addPassword`,
    body: { passwordCredential: { displayName } },
    summary: 'add a client secret',
    permission: 'Application.ReadWrite.All',
  }),
  removePassword: (applicationId: string, keyId: string, name: string | null): GraphWrite => ({
    method: 'POST',
    path: `/applications/${applicationId}/removePassword`,
    body: { keyId },
    summary: `remove the client secret ${name ?? keyId}`,
    permission: 'Application.ReadWrite.All',
  }),
  removeFederatedCredential: (applicationId: string, id: string, name: string): GraphWrite => ({
    method: 'DELETE',
    path: `/applications/${applicationId}/federatedIdentityCredentials/${id}`,
    summary: `remove the federated credential ${name}`,
    permission: 'Application.ReadWrite.All',
  }),
  addFederatedCredential: (applicationId: string, credential: FederatedCredential): GraphWrite => ({
    method: 'POST',
    path: `/applications/${applicationId}/federatedIdentityCredentials`,
    body: credential,
    summary: `add the federated credential ${credential.name}`,
    permission: 'Application.ReadWrite.All',
  }),
};

/** Graph's answer when an assignment exists already (a rerun after a lost response). */
export function isAlreadyAssigned(error: unknown): boolean {
  return (
    error instanceof GraphRequestError &&
    (error.status === 409 || (error.status === 400 && /already exists/i.test(error.message)))
  );
}
