/**
 * What Entra's token claims mean, decided once for every part of kentra: the
 * webhook (live groups), `kentra verify` / `whoami` (the checks and the view)
 * and the cluster policy (CEL rendered into the API server's
 * AuthenticationConfiguration). The decisions that the API server must make
 * too are written as kentra claim expressions (../identity/expr.ts): the
 * policy renders them to CEL, and the TypeScript predicates here evaluate the
 * very same trees, so no component can classify a token differently.
 * Claim reference: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { type Claims, type Expr, evaluate, x } from '../identity/expr.js';
import { entraIssuerForms } from './issuers.js';

/** Entra puts at most this many groups in a JWT; above it, the overage form (access-token-claims-reference, `groups`). */
export const maxGroupsInJwt = 200;
/** ... and at most this many in the implicit flow (URL fragment), where `hasgroups: true` stands in. */
export const maxGroupsInImplicitFlow = 6;

/**
 * The token lists no groups, yet says the user has some:
 * - `_claim_names: {groups: "src1"}` with `_claim_sources` pointing at Graph
 *   (more than 200 groups), or
 * - `hasgroups: true` (implicit flow, more than 6 groups).
 * A `groups` claim present means the groups are listed (kube-apiserver maps
 * them), whatever else the token says. A `_claim_names` for another claim is
 * not a groups overage.
 */
export const groupsOverageExpr: Expr = x.and(
  x.not(x.has('groups')),
  x.or(
    x.and(x.has('_claim_names'), x.hasKey('_claim_names', 'groups')),
    x.and(x.has('hasgroups'), x.eq(x.claim('hasgroups'), x.lit(true))),
  ),
);

/**
 * Whether the groups are in the overage form. A malformed marker (a
 * `_claim_names` that is not a map) makes kube-apiserver's CEL fail, which
 * rejects the token; here it counts as overage: the groups cannot be read.
 */
export function hasGroupsOverage(claims: Claims): boolean {
  try {
    return evaluate(groupsOverageExpr, claims) === true;
  } catch {
    return true;
  }
}

/** The one-line explanation every component prints for an overage token. */
export const groupsOverageSummary =
  `the token is in the groups-overage form (_claim_names/_claim_sources, or hasgroups: more than ${maxGroupsInJwt} groups, ${maxGroupsInImplicitFlow} in the implicit flow): ` +
  'it lists no groups, and kube-apiserver cannot follow the pointer to Graph';

/**
 * A B2B guest, by either of Entra's markers:
 * - the optional claim `acct` is 1 (0 for members; optional-claims-reference);
 * - `idp` names another identity provider than the token's own tenant. `idp`
 *   equals `iss` for members and is absent when it would; for a guest it is
 *   the home tenant's issuer, `live.com`, or the consumer tenant
 *   (access-token-claims-reference, `idp`). Any issuer form of the token's
 *   own `tid`, in any Entra cloud, also counts as the own tenant.
 */
export const guestExpr: Expr = x.or(
  x.and(x.has('acct'), x.eq(x.str(x.claim('acct')), x.lit('1'))),
  x.and(
    x.has('idp'),
    x.not(
      x.or(
        x.eq(x.claim('idp'), x.claim('iss')),
        // CEL list literals are homogeneous: only the string-typed forms go in the list.
        x.in(
          x.claim('idp'),
          x.list(
            ...entraIssuerForms().map(([before, after]) =>
              x.concat(x.lit(before), x.claim('tid'), x.lit(after)),
            ),
          ),
        ),
      ),
    ),
  ),
);

/** Whether the token is a guest's. A claim that cannot be read (an `acct` list) counts as guest: fail closed. */
export function isGuest(claims: Claims): boolean {
  try {
    return evaluate(guestExpr, claims) === true;
  } catch {
    return true;
  }
}

/** `ver`: "1.0" or "2.0" (the form of the token, set by the resource app). */
export function tokenVersionOf(claims: Claims): '1.0' | '2.0' | undefined {
  return claims.ver === '1.0' || claims.ver === '2.0' ? claims.ver : undefined;
}

/**
 * The claims that link a token to Entra's sign-in log: `uti` is the log's
 * uniqueTokenIdentifier, `sid` its session id
 * (https://learn.microsoft.com/entra/identity/authentication/how-to-authentication-track-linkable-identifiers).
 * Mapped into Kubernetes `extra`, they put the exact sign-in into every audit event.
 */
export const signInLinkClaims = ['uti', 'sid'] as const;

/**
 * A claim that Entra writes as a string or a list of strings (`aud`, `groups`,
 * `roles`, `amr`, `acrs`), as a list; the group IDs are none in the overage form.
 */
export function claimStrings(claims: Claims, name: string): string[] {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
