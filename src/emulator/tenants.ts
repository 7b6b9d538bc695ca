/**
 * The `{tenant}` path segment: a tenant GUID or domain, or one of Entra's
 * tenant-independent names, where the user's home tenant is decided at sign-in.
 */
import type { Directory } from './directory.js';
import { StsFailure } from './errors.js';
import type { Application, Tenant } from './model.js';

const multiTenantSegments = new Set(['common', 'organizations']);

export interface TenantScope {
  segment: string;
  /** Undefined for /common and /organizations. */
  tenant: Tenant | undefined;
}

export function tenantScope(directory: Directory, segment: string): TenantScope {
  const key = segment.toLowerCase();
  if (multiTenantSegments.has(key)) return { segment: key, tenant: undefined };
  const tenant = directory.tenant(key);
  if (!tenant) throw new StsFailure(90002, segment);
  return { segment, tenant };
}

/**
 * The client app: registered in the tenant, or (for /common) in any tenant. First-party public
 * clients (the Azure CLI) sign in everywhere, as in Entra; first-party resources (Graph) and managed
 * identities (they use the managed-identity endpoint) are no clients here.
 */
export function findClient(directory: Directory, scope: TenantScope, clientId: string | null): Application {
  if (!clientId) throw new StsFailure(900144, 'client_id');
  for (const tenant of scope.tenant ? [scope.tenant] : directory.tenants) {
    const app = directory.application(tenant, clientId);
    if (app && !app.managedIdentity && (!app.builtIn || app.isFallbackPublicClient)) return app;
  }
  throw new StsFailure(700016, clientId);
}
