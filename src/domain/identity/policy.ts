/**
 * The sign-in policy the cluster enforces on every token, as data: each rule
 * is an expression plus the message the API server logs when it fails. Rendered
 * to CEL `claimValidationRules` and evaluated in TypeScript from the same tree.
 */
import { groupsOverageExpr, guestExpr, maxGroupsInJwt } from '../entra/claims.js';
import { type Expr, x } from './expr.js';

export interface PolicySettings {
  /** Tenants whose tokens are accepted (`tid`); the file's tenant by default. */
  allowedTenants: readonly string[];
  /** Reject B2B guests (`acct` = 1, or an `idp` other than the tenant's own issuer; see entra/claims.ts). */
  denyGuests: boolean;
  /** Require `mfa` in `amr` (v1 tokens only: v2 tokens carry no `amr`). */
  requireMfa: boolean;
  /** Require this Conditional Access authentication context id (`c1`..`c99`) in `acrs`. */
  requireAuthenticationContext?: string;
  /** Longest accepted token lifetime in seconds (`exp - iat`); see maxTokenAgeRule. */
  maxTokenAgeSeconds?: number;
  /**
   * CIDR ranges the user must have signed in from (the token's `ipaddr`, which Entra sets from the
   * sign-in request). Enforced by the kentra webhook only: the API server's CEL has no address
   * arithmetic, so it is not among policyRules. Empty: no network rule.
   */
  allowedNetworks: readonly string[];
  /**
   * Client apps whose tokens are accepted (client IDs, lower case): `azp` in v2 tokens, `appid` in
   * v1, and for a token with neither (an ID token) its `aud`, which is the client itself. Empty: any.
   */
  allowedClientApps: readonly string[];
  /** `reject`: a token in the groups-overage form is refused with a clear message; `no-groups`: it maps to no groups. */
  groupOverage: 'reject' | 'no-groups';
}

export interface ValidationRule {
  /** Stable id for tests and messages, e.g. `tenant`. */
  id: string;
  expr: Expr;
  message: string;
}

function listOrOne(values: readonly string[]): Expr {
  return values.length === 1 ? x.lit(values[0] ?? '') : x.lit(values);
}

export function policyRules(policy: PolicySettings): ValidationRule[] {
  const rules: ValidationRule[] = [];
  const tenants = policy.allowedTenants;
  rules.push({
    id: 'tenant',
    expr: x.and(
      x.has('tid'),
      tenants.length === 1 ? x.eq(x.claim('tid'), listOrOne(tenants)) : x.in(x.claim('tid'), x.lit(tenants)),
    ),
    message:
      tenants.length === 1
        ? `token is not from tenant ${tenants[0]}`
        : `token is not from an allowed tenant (${tenants.join(', ')})`,
  });
  if (policy.denyGuests) {
    rules.push({
      id: 'guests',
      // Entra's guest markers (acct, idp), decided in domain/entra/claims.ts for every component.
      expr: x.not(guestExpr),
      message: 'guest accounts are not allowed on this cluster',
    });
  }
  if (policy.requireMfa) {
    rules.push({
      id: 'mfa',
      expr: x.and(x.has('amr'), x.in(x.lit('mfa'), x.claim('amr'))),
      message: 'multi-factor authentication is required (no "mfa" in amr)',
    });
  }
  if (policy.requireAuthenticationContext) {
    const context = policy.requireAuthenticationContext;
    rules.push({
      id: 'authentication-context',
      expr: x.and(x.has('acrs'), x.in(x.lit(context), x.claim('acrs'))),
      message: `authentication context ${context} is required (sign in again to satisfy it)`,
    });
  }
  if (policy.maxTokenAgeSeconds !== undefined) rules.push(maxTokenAgeRule(policy.maxTokenAgeSeconds));
  if (policy.allowedClientApps.length > 0) rules.push(clientAppRule(policy.allowedClientApps));
  if (policy.groupOverage === 'reject') {
    rules.push({
      id: 'group-overage',
      expr: x.not(groupsOverageExpr),
      message: `token has more than ${maxGroupsInJwt} groups (overage form); assign groups to the app or use the kentra webhook`,
    });
  }
  return rules;
}

/**
 * Which app a token was issued to: `azp` (v2 access tokens), else `appid` (v1), else — an ID
 * token, which carries neither — its audience, the client itself. The first one present decides,
 * so a token cannot pass on an allowed `appid` while `azp` names another client.
 */
function clientAppRule(clients: readonly string[]): ValidationRule {
  const allowed = x.lit(clients);
  return {
    id: 'client-app',
    expr: x.if(
      x.has('azp'),
      x.in(x.claim('azp'), allowed),
      x.if(x.has('appid'), x.in(x.claim('appid'), allowed), x.in(x.claim('aud'), allowed)),
    ),
    message: 'token was issued to a client app that is not allowed (azp/appid)',
  };
}

/**
 * CEL in claimValidationRules has no clock, so "no token older than N" is
 * enforced as "no token that lives longer than N" (`exp - iat <= N`): the API
 * server rejects expired tokens itself, so no accepted token is older than N.
 */
function maxTokenAgeRule(seconds: number): ValidationRule {
  return {
    id: 'token-age',
    expr: x.and(x.has('iat'), x.has('exp'), x.le(x.sub(x.claim('exp'), x.claim('iat')), x.lit(seconds))),
    message: `token lifetime exceeds the maximum of ${seconds}s`,
  };
}
