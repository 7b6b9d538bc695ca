/**
 * The applications part of a seed: Microsoft's first-party apps in every
 * tenant (first-party.ts), the seed's app registrations and managed identities
 * with their service principals and credentials, their user/group assignments
 * and their Graph application permissions.
 */
import { keyCredentialOf } from './certificates.js';
import { firstPartyApplications } from './first-party.js';
import { sha256, stableGuid } from './ids.js';
import type { Application, ServicePrincipal } from './model.js';
import { applicationByRef, created, servicePrincipalOf, type TenantBuild } from './seed-build.js';
import type { SeedDocument, SeedProblems } from './seed-schema.js';

function servicePrincipalFor(
  tenantId: string,
  app: Application,
  assignmentRequired: boolean,
): ServicePrincipal {
  return {
    id: stableGuid(tenantId, 'servicePrincipal', app.appId),
    appId: app.appId,
    displayName: app.displayName,
    servicePrincipalType: app.managedIdentity ? 'ManagedIdentity' : 'Application',
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

/** Microsoft's first-party apps and the seed's applications, each with its service principal. */
export function addApplications(build: TenantBuild): void {
  const { seed, tenant, appsByName } = build;
  for (const app of firstPartyApplications(tenant.id)) {
    tenant.applications.set(app.id, app);
    const sp = servicePrincipalFor(tenant.id, app, false);
    tenant.servicePrincipals.set(sp.id, sp);
    appsByName.set(app.displayName.toLowerCase(), app);
  }
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
      keyCredentials: (a.certificates ?? []).flatMap((c, j) => {
        try {
          return [
            keyCredentialOf(c.certificate, {
              keyId: stableGuid(appId, 'certificate', String(j)),
              displayName: c.displayName ?? null,
            }),
          ];
        } catch {
          build.problems.add(
            `${build.path}.applications[${i}].certificates[${j}].certificate`,
            'is not a readable X.509 certificate',
          );
          return [];
        }
      }),
      federatedIdentityCredentials: (a.federatedCredentials ?? []).map((c, j) => {
        if (c.audiences && c.audiences.length !== 1)
          build.problems.add(
            `${build.path}.applications[${i}].federatedCredentials[${j}].audiences`,
            'takes exactly one value (as in Entra)',
          );
        return {
          id: stableGuid(appId, 'federatedIdentityCredential', c.name),
          name: c.name,
          issuer: c.issuer,
          subject: c.subject,
          audiences: c.audiences ?? ['api://AzureADTokenExchange'],
          description: c.description ?? null,
        };
      }),
      ...(a.managedIdentity ? { managedIdentity: a.managedIdentity } : {}),
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

const managedIdentityExcludes = [
  'publicClient',
  'redirectUris',
  'webRedirectUris',
  'secrets',
  'certificates',
  'federatedCredentials',
] as const;

/**
 * Managed identities across the seed: the emulator is one host, so at most one is system-assigned;
 * and a managed identity has a service principal but no app registration, so nothing to sign in
 * with but the managed-identity endpoint.
 */
export function checkManagedIdentities(seed: SeedDocument, problems: SeedProblems): void {
  const systemAssigned: string[] = [];
  seed.tenants.forEach((t, i) => {
    (t.applications ?? []).forEach((a, j) => {
      if (!a.managedIdentity) return;
      const path = `tenants[${i}].applications[${j}]`;
      if (a.managedIdentity === 'systemAssigned') systemAssigned.push(`${path}.managedIdentity`);
      for (const key of managedIdentityExcludes)
        if (a[key] !== undefined)
          problems.add(
            `${path}.${key}`,
            'a managed identity has no app registration, so no credentials or redirect URIs',
          );
    });
  });
  for (const path of systemAssigned.slice(1))
    problems.add(
      path,
      `only one system-assigned managed identity per emulator (the first is ${systemAssigned[0]})`,
    );
}
