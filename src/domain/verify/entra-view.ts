/**
 * The Entra side of `kentra whoami`: who the token says the user is, read from
 * its claims (v1 and v2 spell some of them differently), whether its groups
 * are in the overage form (kube-apiserver cannot follow the pointer, so such a
 * user has no groups in Kubernetes) and whether it is a guest's. Overage and
 * guest are decided in domain/entra/claims.ts, as the webhook and the cluster
 * policy decide them.
 */
import { claimStrings, hasGroupsOverage, isGuest, tokenVersionOf } from '../entra/claims.js';

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
  /** A guest (B2B) account: `acct` = 1, or an `idp` of another tenant. */
  guest: boolean;
}

type Claims = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
/** NumericDate (seconds) as ISO text; a number outside Date's range (±8.64e15 ms) is no time at all. */
const time = (value: unknown): string | undefined =>
  typeof value === 'number' && Math.abs(value * 1000) <= 8.64e15
    ? new Date(value * 1000).toISOString()
    : undefined;

export function entraView(claims: Claims): EntraView {
  return {
    displayName: text(claims.name),
    upn: text(claims.preferred_username) ?? text(claims.upn) ?? text(claims.unique_name),
    oid: text(claims.oid),
    tenantId: text(claims.tid),
    issuer: text(claims.iss),
    audience: claimStrings(claims, 'aud'),
    version: tokenVersionOf(claims),
    expiresAt: time(claims.exp),
    issuedAt: time(claims.iat),
    authenticationContexts: claimStrings(claims, 'acrs'),
    methods: claimStrings(claims, 'amr'),
    groupIds: claimStrings(claims, 'groups'),
    groupsOverage: hasGroupsOverage(claims),
    guest: isGuest(claims),
  };
}
