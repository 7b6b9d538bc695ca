/**
 * What building one tenant from its seed shares between the steps (seed-*.ts):
 * the tenant being filled, where in the file it came from, the problems found,
 * and the name indexes that later steps resolve references through.
 */
import type { Application, Group, NamedLocation, ServicePrincipal, Tenant, User } from './model.js';
import type { SeedProblems, SeedTenant } from './seed-schema.js';

/** Creation time of every seeded object (fixed, so a seed always builds the same directory). */
export const created = '2026-01-01T00:00:00Z';

export interface TenantBuild {
  seed: SeedTenant;
  tenant: Tenant;
  /** `tenants[i]`, for messages. */
  path: string;
  problems: SeedProblems;
  usersByUpn: Map<string, User>;
  groupsByName: Map<string, Group>;
  appsByName: Map<string, Application>;
  locationsByName: Map<string, NamedLocation>;
}

/** The service principal of an application in this tenant. */
export function servicePrincipalOf(build: TenantBuild, app: Application): ServicePrincipal | undefined {
  for (const sp of build.tenant.servicePrincipals.values()) if (sp.appId === app.appId) return sp;
  return undefined;
}

/** An application by display name or app ID. */
export function applicationByRef(build: TenantBuild, ref: string): Application | undefined {
  const key = ref.toLowerCase();
  return build.appsByName.get(key) ?? [...build.appsByName.values()].find((a) => a.appId === key);
}
