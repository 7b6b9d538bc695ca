/**
 * The seam between the webhook and the claim mapping that `kentra cluster
 * config` renders into the API server's AuthenticationConfiguration. Both use
 * the same JwtAuthenticator objects from src/domain/identity (shared code, not
 * a copy), so a cluster can switch between structured authentication and the
 * webhook without touching its RoleBindings.
 *
 * The claims handed in are the verified token claims with `groups` replaced by
 * the live, Graph-checked group list (overage resolved), so the shared mapping
 * and policy rules run on exactly what the API server would have seen had
 * Entra put the truth in the token.
 */
import {
  authenticateClaims,
  type JwtAuthenticator,
  jwtAuthenticator,
} from '../domain/identity/authenticator.js';
import { defaultIdentity, type IdentitySettings } from '../domain/identity/mapping.js';
import type { PolicySettings } from '../domain/identity/policy.js';
import type { ReviewedUser } from './token-review.js';

export type MappingResult = { ok: true; user: ReviewedUser } | { ok: false; reason: string; detail?: string };

export type ClaimMapper = (claims: Readonly<Record<string, unknown>>) => MappingResult;

export interface SharedIdentity {
  identity: IdentitySettings;
  policy: PolicySettings;
}

/** Without an access file: kentra's default mapping and a policy that only pins the tenants. */
export function defaultSharedIdentity(tenants: readonly string[]): SharedIdentity {
  return {
    identity: defaultIdentity,
    policy: {
      allowedTenants: tenants,
      denyGuests: false,
      requireMfa: false,
      groupOverage: 'no-groups',
      allowedNetworks: [],
      allowedClientApps: [],
    },
  };
}

/**
 * One authenticator per accepted issuer form (the structured config would hold
 * one `jwt` entry per issuer too), all with the same mapping and rules.
 */
export function sharedClaimMapper(
  shared: SharedIdentity,
  issuers: readonly string[],
  audiences: readonly string[],
): ClaimMapper {
  const byIssuer = new Map<string, JwtAuthenticator>(
    issuers.map((issuer) => [
      issuer,
      jwtAuthenticator({ issuer, audiences, identity: shared.identity, policy: shared.policy }),
    ]),
  );
  return (claims) => {
    const authenticator = byIssuer.get(claims.iss as string);
    if (!authenticator) return { ok: false, reason: 'issuer_not_accepted' };
    const result = authenticateClaims(authenticator, claims);
    if (!result.authenticated)
      return {
        ok: false,
        reason: result.rule ? `policy_${result.rule}` : 'mapping_failed',
        detail: result.reason,
      };
    // No uid: the rendered AuthenticationConfiguration maps none, and the two must agree.
    return { ok: true, user: result.user };
  };
}
