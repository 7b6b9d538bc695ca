/**
 * The Entra side of `kentra whoami`: who the token says the user is, read from
 * its claims (v1 and v2 spell some of them differently), and whether its
 * groups are in the overage form (more than 200 groups: `_claim_names` /
 * `_claim_sources` point at Graph instead of listing them; kube-apiserver
 * cannot follow that pointer, so such a user has no groups in Kubernetes).
 */
export interface EntraView {
  displayName?: string;
  /** v2 `preferred_username`, v1 `upn` / `unique_name`. */
  upn?: string;
  oid?: string;
  tenantId?: string;
  issuer?: string;
  audience: string[];
  /** "1.0" or "2.0". */
  version?: string;
  /** ISO time. */
  expiresAt?: string;
  issuedAt?: string;
  /** Conditional Access authentication contexts satisfied (`acrs`). */
  authenticationContexts: string[];
  /** Authentication methods (`amr`, v1 tokens only). */
  methods: string[];
  /** Group object IDs as listed in the token. */
  groupIds: string[];
  /** The token is in the groups-overage form. */
  groupsOverage: boolean;
  /** A guest (B2B) account: `acct` = 1. */
  guest: boolean;
}

type Claims = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : [];
/** NumericDate (seconds) as ISO text; a number outside Date's range (±8.64e15 ms) is no time at all. */
const time = (value: unknown): string | undefined =>
  typeof value === 'number' && Math.abs(value * 1000) <= 8.64e15
    ? new Date(value * 1000).toISOString()
    : undefined;

export function isGroupsOverage(claims: Claims, groupsClaim = 'groups'): boolean {
  const names = claims._claim_names;
  return typeof names === 'object' && names !== null && groupsClaim in names;
}

export function entraView(claims: Claims): EntraView {
  return {
    displayName: text(claims.name),
    upn: text(claims.preferred_username) ?? text(claims.upn) ?? text(claims.unique_name),
    oid: text(claims.oid),
    tenantId: text(claims.tid),
    issuer: text(claims.iss),
    audience: list(claims.aud),
    version: text(claims.ver),
    expiresAt: time(claims.exp),
    issuedAt: time(claims.iat),
    authenticationContexts: list(claims.acrs),
    methods: list(claims.amr),
    groupIds: list(claims.groups),
    groupsOverage: isGroupsOverage(claims),
    guest: String(claims.acct ?? '') === '1',
  };
}
