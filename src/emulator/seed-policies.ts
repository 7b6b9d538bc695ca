/**
 * The Conditional Access part of a seed: named locations and policies, their
 * user, group, application and location references resolved to IDs.
 */
import { stableGuid } from './ids.js';
import type { ConditionalAccessPolicy, NamedLocation } from './model.js';
import { applicationByRef, created, type TenantBuild } from './seed-build.js';

export function addNamedLocations(build: TenantBuild): void {
  const { seed, tenant, locationsByName } = build;
  (seed.namedLocations ?? []).forEach((l) => {
    const location: NamedLocation = {
      id: (l.id ?? stableGuid(build.tenant.id, 'namedLocation', l.displayName)).toLowerCase(),
      displayName: l.displayName,
      isTrusted: l.isTrusted ?? false,
      cidrs: l.ipRanges.map((r) => r.cidrAddress),
      createdDateTime: created,
    };
    locationsByName.set(l.displayName.toLowerCase(), location);
    tenant.namedLocations.push(location);
  });
}

export function addConditionalAccessPolicies(build: TenantBuild): void {
  const { seed, tenant, usersByUpn, groupsByName, locationsByName } = build;
  const appByRef = (ref: string) => applicationByRef(build, ref);
  (seed.conditionalAccessPolicies ?? []).forEach((p, i) => {
    const where = `${build.path}.conditionalAccessPolicies[${i}].conditions`;
    const resolve = (
      list: string[] | undefined,
      key: string,
      keywords: string[],
      lookup: (ref: string) => string | undefined,
    ): string[] =>
      (list ?? []).flatMap((ref, j) => {
        if (keywords.includes(ref)) return [ref];
        const id = lookup(ref);
        if (!id) build.problems.add(`${where}.${key}[${j}]`, `cannot resolve ${JSON.stringify(ref)}`);
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
      id: (p.id ?? stableGuid(build.tenant.id, 'policy', p.displayName)).toLowerCase(),
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
}
