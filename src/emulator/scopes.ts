/**
 * Scope strings -> the one resource a token is for. Entra v2 scopes are
 * `<resource>/<permission>` (resource = app ID or identifier URI); a bare
 * permission means Microsoft Graph; OIDC scopes ride along. A token endpoint
 * call names one resource (the first), as in Entra.
 */
import type { Directory } from './directory.js';
import { StsFailure } from './errors.js';
import { type Application, graphAppId, graphResource, type Tenant } from './model.js';

const oidcScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface ResolvedScopes {
  oidc: Set<string>;
  resource: Application;
  /** How the request named the resource (a v1 token's `aud`). */
  resourceName: string;
  /** Permission values requested (`.default` expanded). */
  permissions: string[];
  /** The non-OIDC scopes as requested, echoed in the response's `scope`. */
  requested: string[];
}

function split(scope: string): { resource: string; permission: string } {
  const index = scope.lastIndexOf('/');
  if (index <= 0) return { resource: graphResource, permission: scope };
  return { resource: scope.slice(0, index), permission: scope.slice(index + 1) };
}

export function resolveScopes(
  directory: Directory,
  tenant: Tenant,
  scope: string | null | undefined,
  options: { appOnly: boolean },
): ResolvedScopes {
  const all = (scope ?? '').split(/\s+/).filter((s) => s !== '');
  if (all.length === 0) throw new StsFailure(900144, 'scope');
  const oidc = new Set(all.filter((s) => oidcScopes.has(s.toLowerCase())).map((s) => s.toLowerCase()));
  const requested = all.filter((s) => !oidcScopes.has(s.toLowerCase()));
  if (options.appOnly && (requested.length !== 1 || !requested[0]?.endsWith('/.default'))) {
    throw new StsFailure(
      70011,
      `${scope}. The scope must name one resource with the /.default suffix for the client credentials flow.`,
    );
  }
  const first = requested[0];
  const target = first ? split(first) : { resource: graphResource, permission: 'User.Read' };
  const resource = directory.resource(tenant, target.resource);
  if (!resource) throw new StsFailure(500011, target.resource);
  const permissions: string[] = [];
  for (const s of first ? requested : ['User.Read']) {
    const part = split(s);
    const same = directory.resource(tenant, part.resource);
    if (same !== resource) {
      throw new StsFailure(
        70011,
        `${scope}. A token request can name only one resource (found ${target.resource} and ${part.resource}).`,
      );
    }
    if (part.permission === '.default') {
      permissions.push(...(options.appOnly ? [] : resource.oauth2PermissionScopes.map((p) => p.value)));
    } else if (
      resource.oauth2PermissionScopes.some((p) => p.value.toLowerCase() === part.permission.toLowerCase())
    ) {
      permissions.push(part.permission);
    } else {
      throw new StsFailure(70011, `${scope}. ${resource.displayName} has no permission ${part.permission}.`);
    }
  }
  return {
    oidc,
    resource,
    resourceName: resource.appId === graphAppId ? graphResource : target.resource,
    permissions: [...new Set(permissions)],
    requested: first ? requested : [],
  };
}
