/**
 * The facts `kentra verify` gathers, for a healthy chain around one token:
 * discovery names the authenticator's issuer, the API server accepts exactly
 * what the authenticator accepts, the RBAC plan is empty. Tests break one link.
 */
import type { Plan } from '../../src/domain/bindings/plan.js';
import { authenticateClaims, type JwtAuthenticator } from '../../src/domain/identity/authenticator.js';
import { gathered } from '../../src/domain/verify/checks.js';
import type { VerifyFacts } from '../../src/domain/verify/facts.js';

export const emptyPlan: Plan = {
  cluster: 'emu',
  changes: [],
  summary: { create: 0, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 2 },
  empty: true,
};

export function verifyFacts(
  authenticator: JwtAuthenticator,
  claims: Record<string, unknown>,
  overrides: Partial<VerifyFacts> = {},
): VerifyFacts {
  const expected = authenticateClaims(authenticator, claims);
  const { issuer } = authenticator;
  return {
    cluster: 'emu',
    authenticator,
    usernamePrefix: 'entra:',
    groupsPrefix: 'entra:group:',
    groupsClaim: 'groups',
    discovery: gathered({ url: `${issuer}/.well-known/openid-configuration`, issuer }),
    token: gathered(claims),
    expected,
    review: gathered(
      expected.authenticated
        ? {
            accepted: true as const,
            user: { ...expected.user, groups: [...expected.user.groups, 'system:authenticated'] },
          }
        : { accepted: false as const, status: 401, message: 'Unauthorized' },
    ),
    plan: gathered(emptyPlan),
    risks: gathered([]),
    jitGroups: gathered([]),
    ...overrides,
  };
}
