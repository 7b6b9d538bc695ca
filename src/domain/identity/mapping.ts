/**
 * How an Entra token becomes a Kubernetes user: the claim mapping as data.
 * Rendered to AuthenticationConfiguration `claimMappings` and evaluated in
 * TypeScript by the same expressions (see expr.ts).
 */
import { signInLinkClaims } from '../entra/claims.js';
import { type Expr, x } from './expr.js';

/**
 * Claims kentra accepts as the username. `oid` is the default and the safe
 * choice: immutable and the same for every app in the tenant. `sub` is
 * pairwise per app; `upn` and `preferred_username` are mutable (readable, but a
 * rename changes the Kubernetes identity). `email` is refused (nOAuth: mutable
 * and unverified in Entra). Source: Entra id-token claims reference.
 */
export const usernameClaims = ['oid', 'sub', 'upn', 'preferred_username'] as const;
export type UsernameClaim = (typeof usernameClaims)[number];

export interface IdentitySettings {
  username: { claim: UsernameClaim; prefix: string };
  groups: { claim: string; prefix: string };
  /** `extra` keys are `<keyDomain>/uti` and `<keyDomain>/sid`; they land in every audit event. */
  extra: { keyDomain: string; uti: boolean; sid: boolean };
}

export const defaultIdentity: IdentitySettings = {
  username: { claim: 'oid', prefix: 'entra:' },
  groups: { claim: 'groups', prefix: 'entra:group:' },
  extra: { keyDomain: 'kentra.dev', uti: true, sid: true },
};

export interface ExtraMapping {
  key: string;
  value: Expr;
}

export interface ClaimMapping {
  username: Expr;
  groups: Expr;
  extra: readonly ExtraMapping[];
}

/** The extra keys kentra maps, e.g. `kentra.dev/uti` (the audit join reads them). */
export function extraKeys(settings: IdentitySettings): { uti?: string; sid?: string } {
  const { keyDomain, uti, sid } = settings.extra;
  return { uti: uti ? `${keyDomain}/uti` : undefined, sid: sid ? `${keyDomain}/sid` : undefined };
}

/** An optional string claim: its value when present, "" otherwise (empty extras are dropped). */
function optional(claim: string): Expr {
  return x.if(x.has(claim), x.claim(claim), x.lit(''));
}

export function claimMapping(settings: IdentitySettings): ClaimMapping {
  const keys = extraKeys(settings);
  const extra: ExtraMapping[] = [];
  for (const claim of signInLinkClaims) {
    const key = keys[claim];
    if (key) extra.push({ key, value: optional(claim) });
  }
  const { claim: groupsClaim, prefix: groupsPrefix } = settings.groups;
  return {
    username: x.concat(x.lit(settings.username.prefix), x.claim(settings.username.claim)),
    // No groups claim (no membership, or the overage form) maps to no groups;
    // the policy decides whether overage is rejected outright.
    groups: x.if(x.has(groupsClaim), x.prefixAll(x.claim(groupsClaim), groupsPrefix), x.lit([])),
    extra,
  };
}
