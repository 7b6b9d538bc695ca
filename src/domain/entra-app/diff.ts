/**
 * Desired vs actual app registration: which managed properties differ (the
 * drift, shown to the user as a diff) and the smallest PATCH body that
 * brings the app back. Lists whose order means nothing (redirect URIs,
 * permissions) are compared as sets; optional claims and permissions kentra
 * needs are added to what is there (never removed); properties kentra does
 * not manage are left alone.
 */
import type { DesiredApplication } from './desired.js';
import type { Application, OptionalClaims, ResourceAccess } from './registration.js';

export interface FieldChange {
  /** Graph property path, e.g. `api.requestedAccessTokenVersion`. */
  field: string;
  current: unknown;
  desired: unknown;
}

export interface ApplicationDiff {
  changes: FieldChange[];
  /** Top-level properties to PATCH; empty when nothing differs. */
  patch: Partial<DesiredApplication>;
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

export function diffApplication(desired: DesiredApplication, actual: Application): ApplicationDiff {
  const changes: FieldChange[] = [];
  const patch: Partial<DesiredApplication> = {};
  const compare = <K extends keyof DesiredApplication>(
    key: K,
    field: string,
    current: unknown,
    wanted: unknown,
    equal: boolean,
  ) => {
    if (equal) return;
    changes.push({ field, current, desired: wanted });
    patch[key] = desired[key];
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
  compare(
    'isFallbackPublicClient',
    'isFallbackPublicClient',
    actual.isFallbackPublicClient,
    true,
    actual.isFallbackPublicClient === true,
  );
  compare(
    'groupMembershipClaims',
    'groupMembershipClaims',
    actual.groupMembershipClaims,
    desired.groupMembershipClaims,
    actual.groupMembershipClaims === desired.groupMembershipClaims,
  );
  const version = actual.api?.requestedAccessTokenVersion ?? null;
  compare(
    'api',
    'api.requestedAccessTokenVersion',
    version,
    desired.api.requestedAccessTokenVersion,
    version === desired.api.requestedAccessTokenVersion,
  );
  // Optional claims kentra needs are added; claims someone else chose (e.g. acct) are kept.
  for (const type of tokenTypes) {
    const current = claimNames(actual.optionalClaims, type);
    const missing = claimNames(desired.optionalClaims, type).filter((name) => !current.includes(name));
    if (missing.length === 0) continue;
    changes.push({ field: `optionalClaims.${type}`, current, desired: [...current, ...missing] });
    patch.optionalClaims = mergedClaims(actual.optionalClaims, desired.optionalClaims);
  }
  for (const platform of ['publicClient', 'spa', 'web'] as const) {
    const current = actual[platform]?.redirectUris ?? [];
    const wanted = desired[platform].redirectUris;
    compare(platform, `${platform}.redirectUris`, current, wanted, sameSet(current, wanted));
  }
  for (const want of desired.requiredResourceAccess) {
    const current = scopesOf(actual.requiredResourceAccess, want.resourceAppId);
    const missing = want.resourceAccess.filter((item) => !current.includes(item.id.toLowerCase()));
    if (missing.length === 0) continue;
    changes.push({
      field: `requiredResourceAccess[${want.resourceAppId}]`,
      current,
      desired: [...current, ...missing.map((item) => item.id)],
    });
    patch.requiredResourceAccess = mergedAccess(
      actual.requiredResourceAccess,
      desired.requiredResourceAccess,
    );
  }
  return { changes, patch };
}
