/**
 * Desired vs actual app registration: which managed properties differ (the
 * drift, shown to the user as a diff) and the smallest PATCH body that
 * brings the app back. Lists whose order means nothing (redirect URIs,
 * permissions) are compared as sets; optional claims and permissions kentra
 * needs are added to what is there (never removed); properties kentra does
 * not manage are left alone.
 */
import { type DesiredApplication, kentraPermissionScope, type ScopeGrants } from './desired.js';
import {
  type ApiSettings,
  type Application,
  defaultIdentifierUri,
  kentraScope,
  type OptionalClaims,
  type PreAuthorizedApplication,
  type ResourceAccess,
} from './registration.js';

export interface FieldChange {
  /** Graph property path, e.g. `api.requestedAccessTokenVersion`. */
  field: string;
  current: unknown;
  desired: unknown;
}

/** A PATCH body: the managed properties, plus the grant-related ones of kentra's scope. */
export type ApplicationPatch = Partial<Omit<DesiredApplication, 'api'>> & {
  api?: Partial<ApiSettings>;
  identifierUris?: string[];
};

export interface ApplicationDiff {
  changes: FieldChange[];
  /** Top-level properties to PATCH; empty when nothing differs. */
  patch: ApplicationPatch;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((item) => item.toLowerCase()));
  const right = new Set(b.map((item) => item.toLowerCase()));
  return left.size === right.size && [...left].every((item) => right.has(item));
}

const tokenTypes = ['idToken', 'accessToken', 'saml2Token'] as const;

function claimNames(claims: OptionalClaims | null, type: (typeof tokenTypes)[number]): string[] {
  return (claims?.[type] ?? []).map((claim) => claim.name).sort();
}

function scopesOf(access: readonly ResourceAccess[] | null, resourceAppId: string): string[] {
  return (access ?? [])
    .filter((entry) => entry.resourceAppId === resourceAppId)
    .flatMap((entry) => entry.resourceAccess.map((item) => item.id.toLowerCase()))
    .sort();
}

/** Desired permissions added to what the app already asks of each API (never removed). */
function mergedAccess(current: readonly ResourceAccess[] | null, desired: readonly ResourceAccess[]) {
  const merged = (current ?? []).map((entry) => ({ ...entry, resourceAccess: [...entry.resourceAccess] }));
  for (const want of desired) {
    let entry = merged.find((item) => item.resourceAppId === want.resourceAppId);
    if (!entry) {
      entry = { resourceAppId: want.resourceAppId, resourceAccess: [] };
      merged.push(entry);
    }
    for (const access of want.resourceAccess)
      if (!entry.resourceAccess.some((item) => item.id.toLowerCase() === access.id.toLowerCase()))
        entry.resourceAccess.push(access);
  }
  return merged;
}

function mergedClaims(current: OptionalClaims | null, desired: OptionalClaims): OptionalClaims {
  const merged = { idToken: [], accessToken: [], saml2Token: [], ...current } as OptionalClaims;
  for (const type of tokenTypes)
    merged[type] = [
      ...merged[type],
      ...desired[type].filter((claim) => !merged[type].some((item) => item.name === claim.name)),
    ];
  return merged;
}

/** What a part of the diff reads, and where it records its changes and its part of the PATCH. */
interface DiffStep {
  desired: DesiredApplication;
  actual: Application;
  grants: ScopeGrants;
  changes: FieldChange[];
  patch: ApplicationPatch;
}

export function diffApplication(
  desired: DesiredApplication,
  actual: Application,
  grants: ScopeGrants = {},
): ApplicationDiff {
  const changes: FieldChange[] = [];
  const patch: ApplicationPatch = {};
  const compare = <K extends keyof DesiredApplication>(
    key: K,
    field: string,
    current: unknown,
    wanted: unknown,
    equal: boolean,
  ) => {
    if (equal) return;
    changes.push({ field, current, desired: wanted });
    (patch as Record<string, unknown>)[key] = desired[key];
  };
  compare(
    'displayName',
    'displayName',
    actual.displayName,
    desired.displayName,
    actual.displayName === desired.displayName,
  );
  compare(
    'signInAudience',
    'signInAudience',
    actual.signInAudience,
    desired.signInAudience,
    actual.signInAudience === desired.signInAudience,
  );
  if (desired.isFallbackPublicClient)
    compare(
      'isFallbackPublicClient',
      'isFallbackPublicClient',
      actual.isFallbackPublicClient,
      true,
      actual.isFallbackPublicClient === true,
    );
  if (desired.groupMembershipClaims !== undefined)
    compare(
      'groupMembershipClaims',
      'groupMembershipClaims',
      actual.groupMembershipClaims,
      desired.groupMembershipClaims,
      actual.groupMembershipClaims === desired.groupMembershipClaims,
    );
  const step: DiffStep = { desired, actual, grants, changes, patch };
  diffApi(step);
  // Optional claims kentra needs are added; claims someone else chose (e.g. acct) are kept.
  const wantedClaims = desired.optionalClaims;
  if (wantedClaims)
    for (const type of tokenTypes) {
      const current = claimNames(actual.optionalClaims, type);
      const missing = claimNames(wantedClaims, type).filter((name) => !current.includes(name));
      if (missing.length === 0) continue;
      changes.push({ field: `optionalClaims.${type}`, current, desired: [...current, ...missing] });
      patch.optionalClaims = mergedClaims(actual.optionalClaims, wantedClaims);
    }
  for (const platform of ['publicClient', 'spa', 'web'] as const) {
    const wanted = desired[platform]?.redirectUris;
    if (!wanted) continue;
    const current = actual[platform]?.redirectUris ?? [];
    compare(platform, `${platform}.redirectUris`, current, wanted, sameSet(current, wanted));
  }
  diffResourceAccess(step);
  return { changes, patch };
}

/**
 * The token version, and kentra's scope on a cluster app: exposed under the identifier URI
 * api://<appId> (URIs others added are kept) and pre-authorized for exactly the web clients the
 * file grants it to (pre-authorizations of other scopes are kept). Only the parts of `api` that
 * differ are sent, with the token version, as before.
 */
function diffApi({ desired, actual, grants, changes, patch }: DiffStep): void {
  const api: Partial<ApiSettings> = {};
  const version = actual.api?.requestedAccessTokenVersion ?? null;
  if (desired.api && version !== desired.api.requestedAccessTokenVersion) {
    changes.push({
      field: 'api.requestedAccessTokenVersion',
      current: version,
      desired: desired.api.requestedAccessTokenVersion,
    });
    api.requestedAccessTokenVersion = desired.api.requestedAccessTokenVersion;
  }
  const scopes = actual.api?.oauth2PermissionScopes ?? [];
  const exposed = scopes.some((scope) => scope.id === kentraScope.id);
  if (grants.expose) {
    const uri = defaultIdentifierUri(actual.appId);
    const uris = actual.identifierUris ?? [];
    if (!uris.some((item) => item.toLowerCase() === uri.toLowerCase())) {
      changes.push({ field: 'identifierUris', current: uris, desired: [...uris, uri] });
      patch.identifierUris = [...uris, uri];
    }
    if (!exposed) {
      const scope = kentraPermissionScope(desired.displayName);
      changes.push({
        field: 'api.oauth2PermissionScopes',
        current: scopes.map((item) => item.value),
        desired: [...scopes.map((item) => item.value), scope.value],
      });
      api.oauth2PermissionScopes = [...scopes, scope];
    }
  }
  if (grants.preAuthorized && (exposed || grants.expose)) {
    const current = actual.api?.preAuthorizedApplications ?? [];
    const holders = (list: readonly PreAuthorizedApplication[]) =>
      list
        .filter((item) => item.delegatedPermissionIds.includes(kentraScope.id))
        .map((item) => item.appId.toLowerCase())
        .sort();
    const wanted = [...grants.preAuthorized].map((id) => id.toLowerCase()).sort();
    if (holders(current).join() !== wanted.join()) {
      changes.push({
        field: `api.preAuthorizedApplications[${kentraScope.value}]`,
        current: holders(current),
        desired: wanted,
      });
      // Others' pre-authorizations of other scopes stay; kentra's scope goes to exactly `wanted`.
      const others = current
        .map((item) => ({
          appId: item.appId,
          delegatedPermissionIds: item.delegatedPermissionIds.filter((id) => id !== kentraScope.id),
        }))
        .filter((item) => item.delegatedPermissionIds.length > 0);
      const merged = others.map((item) =>
        wanted.includes(item.appId.toLowerCase())
          ? { ...item, delegatedPermissionIds: [...item.delegatedPermissionIds, kentraScope.id] }
          : item,
      );
      for (const appId of grants.preAuthorized)
        if (!merged.some((item) => item.appId.toLowerCase() === appId.toLowerCase()))
          merged.push({ appId, delegatedPermissionIds: [kentraScope.id] });
      api.preAuthorizedApplications = merged;
    }
  }
  if (Object.keys(api).length === 0) return;
  patch.api = desired.api
    ? { requestedAccessTokenVersion: desired.api.requestedAccessTokenVersion, ...api }
    : api;
}

/**
 * Permissions kentra needs are added to what the app already asks of each API (never removed);
 * on the web client, kentra's scope is required of exactly the granted cluster apps.
 */
function diffResourceAccess({ desired, actual, grants, changes, patch }: DiffStep): void {
  let changed = false;
  for (const want of desired.requiredResourceAccess) {
    const current = scopesOf(actual.requiredResourceAccess, want.resourceAppId);
    const missing = want.resourceAccess.filter((item) => !current.includes(item.id.toLowerCase()));
    if (missing.length === 0) continue;
    changes.push({
      field: `requiredResourceAccess[${want.resourceAppId}]`,
      current,
      desired: [...current, ...missing.map((item) => item.id)],
    });
    changed = true;
  }
  let merged = mergedAccess(actual.requiredResourceAccess, desired.requiredResourceAccess);
  if (grants.requiredOf) {
    const granted = grants.requiredOf.map((id) => id.toLowerCase());
    const stale = merged.filter(
      (entry) =>
        !granted.includes(entry.resourceAppId.toLowerCase()) &&
        entry.resourceAccess.some((item) => item.id === kentraScope.id),
    );
    for (const entry of stale) {
      changes.push({
        field: `requiredResourceAccess[${entry.resourceAppId}]`,
        current: entry.resourceAccess.map((item) => item.id),
        desired: entry.resourceAccess.filter((item) => item.id !== kentraScope.id).map((item) => item.id),
      });
      changed = true;
    }
    merged = merged
      .map((entry) =>
        stale.includes(entry)
          ? { ...entry, resourceAccess: entry.resourceAccess.filter((item) => item.id !== kentraScope.id) }
          : entry,
      )
      .filter((entry) => entry.resourceAccess.length > 0);
  }
  if (changed) patch.requiredResourceAccess = merged;
}

/**
 * The app as Graph holds it after a PATCH (top-level properties replaced, `api` merged key by
 * key): setup's view of an app it changed, in a real run and in a dry run alike.
 */
export function patchedApplication(actual: Application, patch: ApplicationPatch): Application {
  const { api, ...rest } = patch;
  return {
    ...actual,
    ...(rest as Partial<Application>),
    ...(api ? { api: { requestedAccessTokenVersion: null, ...actual.api, ...api } } : {}),
  };
}
