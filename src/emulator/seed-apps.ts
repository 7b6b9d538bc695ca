/**
 * The applications part of a seed: Microsoft Graph as a resource in every
 * tenant, the seed's app registrations with their service principals, their
 * user/group assignments and their Graph application permissions.
 */
import { sha256, stableGuid } from './ids.js';
import type { Application, AppRole, ServicePrincipal } from './model.js';
import { graphAppId, graphResource } from './model.js';
import { applicationByRef, created, servicePrincipalOf, type TenantBuild } from './seed-build.js';

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
].map(graphRole);

const graphScopes = ['User.Read', ...graphRoles.map((r) => r.value)];

/** Microsoft Graph as a resource: present in every tenant, v1 access tokens. */
function graphApplication(tenantId: string): Application {
  return {
    id: stableGuid(tenantId, 'application', graphAppId),
    appId: graphAppId,
    displayName: 'Microsoft Graph',
    signInAudience: 'AzureADMultipleOrgs',
    isFallbackPublicClient: false,
    publicClientRedirectUris: [],
    webRedirectUris: [],
    identifierUris: [graphResource, 'https://graph.microsoft.com/'],
    groupMembershipClaims: null,
    requestedAccessTokenVersion: 1,
    oauth2PermissionScopes: graphScopes.map((value) => ({
      id: stableGuid('graph-scope', value),
      value,
      adminConsentDisplayName: value,
      adminConsentDescription: `Microsoft Graph delegated permission ${value}`,
      type: 'User',
      isEnabled: true,
    })),
    appRoles: graphRoles,
    passwordCredentials: [],
    createdDateTime: created,
    builtIn: true,
    extra: {},
    version: 0,
  };
}

function servicePrincipalFor(
  tenantId: string,
  app: Application,
  assignmentRequired: boolean,
): ServicePrincipal {
  return {
    id: stableGuid(tenantId, 'servicePrincipal', app.appId),
    appId: app.appId,
    displayName: app.displayName,
    appRoleAssignmentRequired: assignmentRequired,
    servicePrincipalNames: [app.appId, ...app.identifierUris],
    createdDateTime: created,
    version: 0,
  };
}

/** Names -> Graph's optionalClaims shape (`{idToken: [{name, source, essential, additionalProperties}], ...}`). */
function graphOptionalClaims(names: { idToken?: string[]; accessToken?: string[] }): Record<string, unknown> {
  const entries = (list: string[] | undefined) =>
    (list ?? []).map((name) => ({ name, source: null, essential: false, additionalProperties: [] }));
  return { idToken: entries(names.idToken), accessToken: entries(names.accessToken), saml2Token: [] };
}

/** Microsoft Graph and the seed's applications, each with its service principal. */
export function addApplications(build: TenantBuild): void {
  const { seed, tenant, appsByName } = build;
  const graph = graphApplication(tenant.id);
  tenant.applications.set(graph.id, graph);
  const graphSp = servicePrincipalFor(tenant.id, graph, false);
  tenant.servicePrincipals.set(graphSp.id, graphSp);
  appsByName.set('microsoft graph', graph);
  const seedApps = seed.applications ?? [];
  seedApps.forEach((a, i) => {
    const appId = (a.appId ?? stableGuid(build.tenant.id, 'appId', a.displayName)).toLowerCase();
    const app: Application = {
      id: (a.id ?? stableGuid(build.tenant.id, 'application', appId)).toLowerCase(),
      appId,
      displayName: a.displayName,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: a.publicClient ?? false,
      publicClientRedirectUris: a.redirectUris ?? [],
      webRedirectUris: a.webRedirectUris ?? [],
      identifierUris: a.identifierUris ?? [],
      groupMembershipClaims: a.groupMembershipClaims ?? null,
      requestedAccessTokenVersion: a.requestedAccessTokenVersion ?? null,
      oauth2PermissionScopes: (a.scopes ?? []).map((value) => ({
        id: stableGuid(appId, 'scope', value),
        value,
        adminConsentDisplayName: value,
        adminConsentDescription: value,
        type: 'User',
        isEnabled: true,
      })),
      appRoles: (a.appRoles ?? []).map((r) => ({
        id: stableGuid(appId, 'appRole', r.value),
        value: r.value,
        displayName: r.displayName ?? r.value,
        description: r.displayName ?? r.value,
        allowedMemberTypes: r.allowedMemberTypes ?? ['User'],
        isEnabled: true,
      })),
      passwordCredentials: (a.secrets ?? []).map((s, j) => ({
        keyId: stableGuid(appId, 'secret', String(j)),
        displayName: s.displayName ?? null,
        hint: s.value.slice(0, 3),
        secretHash: sha256(s.value),
        startDateTime: created,
        endDateTime: '2099-01-01T00:00:00Z',
      })),
      createdDateTime: created,
      builtIn: false,
      extra: a.optionalClaims ? { optionalClaims: graphOptionalClaims(a.optionalClaims) } : {},
      version: 0,
    };
    if (appsByName.has(a.displayName.toLowerCase())) {
      build.problems.add(
        `${build.path}.applications[${i}].displayName`,
        `duplicate application ${a.displayName}`,
      );
    }
    appsByName.set(a.displayName.toLowerCase(), app);
    tenant.applications.set(app.id, app);
    const sp = servicePrincipalFor(build.tenant.id, app, a.appRoleAssignmentRequired ?? false);
    tenant.servicePrincipals.set(sp.id, sp);
  });
}

/** App role assignments to users, groups or other apps, and Graph application permissions. */
export function addAssignments(build: TenantBuild): void {
  const { seed, tenant, appsByName, usersByUpn, groupsByName } = build;
  const seedApps = seed.applications ?? [];
  const spOf = (app: Application) => servicePrincipalOf(build, app);
  const appByRef = (ref: string) => applicationByRef(build, ref);
  seedApps.forEach((a, i) => {
    const app = appsByName.get(a.displayName.toLowerCase());
    const sp = app && spOf(app);
    if (!app || !sp) return;
    (a.assignments ?? []).forEach((assignment, j) => {
      const where = `${build.path}.applications[${i}].assignments[${j}]`;
      const ref = assignment.principal.toLowerCase();
      const principal = usersByUpn.get(ref) ?? groupsByName.get(ref);
      const principalApp = principal ? undefined : appByRef(ref);
      const principalSp = principalApp && spOf(principalApp);
      if (!principal && !principalSp) {
        build.problems.add(
          `${where}.principal`,
          `no user, group or application ${JSON.stringify(assignment.principal)}`,
        );
        return;
      }
      const role = assignment.role ? app.appRoles.find((r) => r.value === assignment.role) : undefined;
      if (assignment.role && !role) {
        build.problems.add(
          `${where}.role`,
          `application ${app.displayName} has no app role ${JSON.stringify(assignment.role)}`,
        );
        return;
      }
      const principalId = principal?.id ?? principalSp?.id ?? '';
      tenant.appRoleAssignments.push({
        id: stableGuid(principalId, 'assignment', sp.id, role?.id ?? ''),
        appRoleId: role?.id ?? '00000000-0000-0000-0000-000000000000',
        principalId,
        principalType: principal ? ('userPrincipalName' in principal ? 'User' : 'Group') : 'ServicePrincipal',
        principalDisplayName: principal?.displayName ?? principalSp?.displayName ?? '',
        resourceId: sp.id,
        resourceDisplayName: sp.displayName,
        createdDateTime: created,
      });
    });
    const clientSp = sp;
    (a.apiPermissions ?? []).forEach((permission, j) => {
      const where = `${build.path}.applications[${i}].apiPermissions[${j}]`;
      const resource = appByRef(permission.resource);
      const resourceSp = resource && spOf(resource);
      if (!resource || !resourceSp) {
        build.problems.add(`${where}.resource`, `no application ${JSON.stringify(permission.resource)}`);
        return;
      }
      permission.roles.forEach((value, k) => {
        const role = resource.appRoles.find((r) => r.value === value);
        if (!role) {
          build.problems.add(
            `${where}.roles[${k}]`,
            `${resource.displayName} has no application permission ${value}`,
          );
          return;
        }
        tenant.appRoleAssignments.push({
          id: stableGuid(clientSp.id, 'assignment', resourceSp.id, role.id),
          appRoleId: role.id,
          principalId: clientSp.id,
          principalType: 'ServicePrincipal',
          principalDisplayName: clientSp.displayName,
          resourceId: resourceSp.id,
          resourceDisplayName: resourceSp.displayName,
          createdDateTime: created,
        });
      });
    });
  });
}
