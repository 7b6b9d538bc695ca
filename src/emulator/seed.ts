/**
 * Seed loading: YAML text -> validated SeedDocument -> Tenant objects with
 * every name reference (group members, assignments, policy targets) resolved
 * to object IDs. Any problem becomes one KentraError listing every bad field.
 */
import { parseDocument } from 'yaml';
import { KentraError } from '../errors.js';
import { keyCredentialOf } from './certificates.js';
import { firstPartyApplications } from './first-party.js';
import { sha256, stableGuid } from './ids.js';
import type {
  Application,
  ConditionalAccessPolicy,
  Group,
  NamedLocation,
  ServicePrincipal,
  Tenant,
  User,
} from './model.js';
import { readSeed, type SeedDocument, SeedProblems, type SeedTenant } from './seed-schema.js';

/** Parses, validates and builds the tenants of seed text; `source` names the file in messages. */
export function tenantsFromSeedText(text: string, source: string): Tenant[] {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new KentraError(
      'config.invalid',
      `seed file ${source} is not valid YAML: ${first?.message ?? 'parse error'}`,
      {
        hint: 'Fix the YAML syntax at the line shown; docs/emulator.md describes the seed file.',
      },
    );
  }
  const problems = new SeedProblems();
  const seed = readSeed(doc.toJS(), problems);
  if (problems.list.length > 0) throw seedError(source, problems);
  return tenantsFromSeed(seed, source);
}

function seedError(source: string, problems: SeedProblems): KentraError {
  const shown = problems.list.slice(0, 20);
  const more =
    problems.list.length > shown.length ? `\n  … and ${problems.list.length - shown.length} more` : '';
  return new KentraError(
    'config.invalid',
    `seed file ${source} has ${problems.list.length} problem(s):\n  ${shown.join('\n  ')}${more}`,
    {
      hint: 'docs/emulator.md describes every field of the seed file.',
      details: { problems: problems.list },
    },
  );
}

const created = '2026-01-01T00:00:00Z';

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

const managedIdentityExcludes = [
  'publicClient',
  'redirectUris',
  'webRedirectUris',
  'secrets',
  'certificates',
  'federatedCredentials',
] as const;

/** Builds the tenants of a validated seed, recording unresolved references as problems. */
function buildTenants(seed: SeedDocument, problems: SeedProblems): Tenant[] {
  const seenIds = new Set<string>();
  // The emulator is one host: it has at most one system-assigned identity.
  const systemAssigned = seed.tenants.flatMap((t, i) =>
    (t.applications ?? []).flatMap((a, j) =>
      a.managedIdentity === 'systemAssigned' ? [`tenants[${i}].applications[${j}].managedIdentity`] : [],
    ),
  );
  // A managed identity has a service principal but no app registration: nothing to sign in with but the endpoint.
  seed.tenants.forEach((t, i) => {
    (t.applications ?? []).forEach((a, j) => {
      if (!a.managedIdentity) return;
      for (const key of managedIdentityExcludes)
        if (a[key] !== undefined)
          problems.add(
            `tenants[${i}].applications[${j}].${key}`,
            'a managed identity has no app registration, so no credentials or redirect URIs',
          );
    });
  });
  for (const path of systemAssigned.slice(1))
    problems.add(
      path,
      `only one system-assigned managed identity per emulator (the first is ${systemAssigned[0]})`,
    );
  return seed.tenants.map((t, i) => {
    const tenant = buildTenant(t, `tenants[${i}]`, problems);
    if (seenIds.has(tenant.id) || seenIds.has(tenant.domain)) {
      problems.add(`tenants[${i}]`, `duplicate tenant ${tenant.domain} (${tenant.id})`);
    }
    seenIds.add(tenant.id);
    seenIds.add(tenant.domain);
    return tenant;
  });
}

function buildTenant(seed: SeedTenant, path: string, problems: SeedProblems): Tenant {
  const domain = seed.domain.toLowerCase();
  const tenantId = (seed.id ?? stableGuid('tenant', domain)).toLowerCase();
  const tenant: Tenant = {
    id: tenantId,
    domain,
    displayName: seed.displayName ?? domain,
    users: new Map(),
    groups: new Map(),
    applications: new Map(),
    servicePrincipals: new Map(),
    appRoleAssignments: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    subjectSalt: stableGuid(tenantId, 'pairwise-subject'),
  };
  const usersByUpn = new Map<string, User>();
  const groupsByName = new Map<string, Group>();

  (seed.groups ?? []).forEach((g, i) => {
    const key = g.displayName.toLowerCase();
    if (groupsByName.has(key))
      problems.add(`${path}.groups[${i}].displayName`, `duplicate group ${g.displayName}`);
    const group: Group = {
      id: (g.id ?? stableGuid(tenantId, 'group', key)).toLowerCase(),
      displayName: g.displayName,
      description: g.description ?? null,
      securityEnabled: g.securityEnabled ?? true,
      mailEnabled: false,
      isAssignableToRole: g.isAssignableToRole ?? false,
      members: new Set(),
      createdDateTime: created,
      version: 0,
    };
    groupsByName.set(key, group);
    tenant.groups.set(group.id, group);
  });

  (seed.users ?? []).forEach((u, i) => {
    const upn = u.userPrincipalName;
    const key = upn.toLowerCase();
    if (usersByUpn.has(key)) problems.add(`${path}.users[${i}].userPrincipalName`, `duplicate user ${upn}`);
    const [first, ...rest] = (u.displayName ?? upn.split('@')[0] ?? upn).split(' ');
    const user: User = {
      id: (u.id ?? stableGuid(tenantId, 'user', key)).toLowerCase(),
      userPrincipalName: upn,
      displayName: u.displayName ?? upn,
      givenName: first ?? null,
      surname: rest.length > 0 ? rest.join(' ') : null,
      mail: u.mail ?? (u.userType === 'Guest' ? null : upn),
      userType: u.userType ?? 'Member',
      accountEnabled: u.accountEnabled ?? true,
      password: u.password,
      mfaCode: u.mfaCode ?? '000000',
      createdDateTime: created,
      signInSessionsValidFrom: 0,
      version: 0,
    };
    usersByUpn.set(key, user);
    tenant.users.set(user.id, user);
    (u.memberOf ?? []).forEach((name, j) => {
      const group = groupsByName.get(name.toLowerCase());
      if (group) group.members.add(user.id);
      else
        problems.add(
          `${path}.users[${i}].memberOf[${j}]`,
          `no group named ${JSON.stringify(name)} in groups`,
        );
    });
  });

  (seed.groups ?? []).forEach((g, i) => {
    const group = groupsByName.get(g.displayName.toLowerCase());
    (g.members ?? []).forEach((member, j) => {
      const target = usersByUpn.get(member.toLowerCase()) ?? groupsByName.get(member.toLowerCase());
      if (!target)
        problems.add(`${path}.groups[${i}].members[${j}]`, `no user or group ${JSON.stringify(member)}`);
      else if (target === group)
        problems.add(`${path}.groups[${i}].members[${j}]`, 'a group cannot contain itself');
      else group?.members.add(target.id);
    });
  });

  const firstParty = firstPartyApplications(tenantId);
  for (const app of firstParty) {
    tenant.applications.set(app.id, app);
    const sp = servicePrincipalFor(tenantId, app, false);
    tenant.servicePrincipals.set(sp.id, sp);
  }

  const appsByName = new Map<string, Application>(
    firstParty.map((app) => [app.displayName.toLowerCase(), app]),
  );
  const seedApps = seed.applications ?? [];
  seedApps.forEach((a, i) => {
    const appId = (a.appId ?? stableGuid(tenantId, 'appId', a.displayName)).toLowerCase();
    const app: Application = {
      id: (a.id ?? stableGuid(tenantId, 'application', appId)).toLowerCase(),
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
          problems.add(
            `${path}.applications[${i}].certificates[${j}].certificate`,
            'is not a readable X.509 certificate',
          );
          return [];
        }
      }),
      federatedIdentityCredentials: (a.federatedCredentials ?? []).map((c, j) => {
        if (c.audiences && c.audiences.length !== 1)
          problems.add(
            `${path}.applications[${i}].federatedCredentials[${j}].audiences`,
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
      problems.add(`${path}.applications[${i}].displayName`, `duplicate application ${a.displayName}`);
    }
    appsByName.set(a.displayName.toLowerCase(), app);
    tenant.applications.set(app.id, app);
    const sp = servicePrincipalFor(tenantId, app, a.appRoleAssignmentRequired ?? false);
    tenant.servicePrincipals.set(sp.id, sp);
  });

  const spOf = (app: Application): ServicePrincipal | undefined =>
    [...tenant.servicePrincipals.values()].find((sp) => sp.appId === app.appId);
  const appByRef = (ref: string): Application | undefined =>
    appsByName.get(ref.toLowerCase()) ?? [...appsByName.values()].find((a) => a.appId === ref.toLowerCase());

  seedApps.forEach((a, i) => {
    const app = appsByName.get(a.displayName.toLowerCase());
    const sp = app && spOf(app);
    if (!app || !sp) return;
    (a.assignments ?? []).forEach((assignment, j) => {
      const where = `${path}.applications[${i}].assignments[${j}]`;
      const ref = assignment.principal.toLowerCase();
      const principal = usersByUpn.get(ref) ?? groupsByName.get(ref);
      const principalApp = principal ? undefined : appByRef(ref);
      const principalSp = principalApp && spOf(principalApp);
      if (!principal && !principalSp) {
        problems.add(
          `${where}.principal`,
          `no user, group or application ${JSON.stringify(assignment.principal)}`,
        );
        return;
      }
      const role = assignment.role ? app.appRoles.find((r) => r.value === assignment.role) : undefined;
      if (assignment.role && !role) {
        problems.add(
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
      const where = `${path}.applications[${i}].apiPermissions[${j}]`;
      const resource = appByRef(permission.resource);
      const resourceSp = resource && spOf(resource);
      if (!resource || !resourceSp) {
        problems.add(`${where}.resource`, `no application ${JSON.stringify(permission.resource)}`);
        return;
      }
      permission.roles.forEach((value, k) => {
        const role = resource.appRoles.find((r) => r.value === value);
        if (!role) {
          problems.add(
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

  const locationsByName = new Map<string, NamedLocation>();
  (seed.namedLocations ?? []).forEach((l) => {
    const location: NamedLocation = {
      id: (l.id ?? stableGuid(tenantId, 'namedLocation', l.displayName)).toLowerCase(),
      displayName: l.displayName,
      isTrusted: l.isTrusted ?? false,
      cidrs: l.ipRanges.map((r) => r.cidrAddress),
      createdDateTime: created,
    };
    locationsByName.set(l.displayName.toLowerCase(), location);
    tenant.namedLocations.push(location);
  });

  (seed.conditionalAccessPolicies ?? []).forEach((p, i) => {
    const where = `${path}.conditionalAccessPolicies[${i}].conditions`;
    const resolve = (
      list: string[] | undefined,
      key: string,
      keywords: string[],
      lookup: (ref: string) => string | undefined,
    ): string[] =>
      (list ?? []).flatMap((ref, j) => {
        if (keywords.includes(ref)) return [ref];
        const id = lookup(ref);
        if (!id) problems.add(`${where}.${key}[${j}]`, `cannot resolve ${JSON.stringify(ref)}`);
        return id ? [id] : [];
      });
    const apps = p.conditions.applications ?? {};
    const users = p.conditions.users ?? {};
    const locations = p.conditions.locations;
    const appRef = (ref: string) => appByRef(ref)?.appId;
    const userRef = (ref: string) =>
      usersByUpn.get(ref.toLowerCase())?.id ?? (tenant.users.has(ref) ? ref : undefined);
    const groupRef = (ref: string) =>
      groupsByName.get(ref.toLowerCase())?.id ?? (tenant.groups.has(ref) ? ref : undefined);
    const locationRef = (ref: string) =>
      locationsByName.get(ref.toLowerCase())?.id ?? tenant.namedLocations.find((l) => l.id === ref)?.id;
    const policy: ConditionalAccessPolicy = {
      id: (p.id ?? stableGuid(tenantId, 'policy', p.displayName)).toLowerCase(),
      displayName: p.displayName,
      state: p.state ?? 'enabled',
      createdDateTime: created,
      modifiedDateTime: null,
      conditions: {
        applications: {
          includeApplications: resolve(
            apps.includeApplications,
            'applications.includeApplications',
            ['All', 'None'],
            appRef,
          ),
          excludeApplications: resolve(
            apps.excludeApplications,
            'applications.excludeApplications',
            [],
            appRef,
          ),
          includeAuthenticationContextClassReferences: apps.includeAuthenticationContextClassReferences ?? [],
        },
        users: {
          includeUsers: resolve(
            users.includeUsers,
            'users.includeUsers',
            ['All', 'None', 'GuestsOrExternalUsers'],
            userRef,
          ),
          excludeUsers: resolve(users.excludeUsers, 'users.excludeUsers', ['GuestsOrExternalUsers'], userRef),
          includeGroups: resolve(users.includeGroups, 'users.includeGroups', [], groupRef),
          excludeGroups: resolve(users.excludeGroups, 'users.excludeGroups', [], groupRef),
        },
        locations: locations
          ? {
              includeLocations: resolve(
                locations.includeLocations,
                'locations.includeLocations',
                ['All', 'AllTrusted'],
                locationRef,
              ),
              excludeLocations: resolve(
                locations.excludeLocations,
                'locations.excludeLocations',
                ['AllTrusted'],
                locationRef,
              ),
            }
          : null,
        clientAppTypes: p.conditions.clientAppTypes ?? ['all'],
        authenticationFlows: p.conditions.authenticationFlows ?? null,
      },
      grantControls: p.grantControls
        ? { operator: p.grantControls.operator ?? 'OR', builtInControls: p.grantControls.builtInControls }
        : null,
    };
    tenant.conditionalAccessPolicies.push(policy);
  });

  return tenant;
}

/** Builds tenants from a structurally valid seed (a parsed file or the built-in default). */
export function tenantsFromSeed(seed: SeedDocument, source: string): Tenant[] {
  const problems = new SeedProblems();
  const tenants = buildTenants(seed, problems);
  if (problems.list.length > 0) throw seedError(source, problems);
  return tenants;
}

/** Reads and loads a seed file (--seed FILE). */
export async function readSeedFile(path: string): Promise<{ text: string; source: string }> {
  const { readFile } = await import('node:fs/promises');
  try {
    return { text: await readFile(path, 'utf8'), source: path };
  } catch (error) {
    throw new KentraError('io.read', `cannot read the seed file ${path}`, {
      cause: error,
      hint: 'Check the path given to --seed; docs/emulator.md shows an example seed file.',
    });
  }
}
