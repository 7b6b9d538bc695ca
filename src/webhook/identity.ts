/**
 * The seam between the webhook and the claim mapping that `kentra cluster
 * config` renders into the API server's AuthenticationConfiguration. The
 * webhook must name users exactly like the structured config does, so that a
 * cluster can switch between the two without touching its RoleBindings; the
 * mapping therefore comes from src/domain/identity (shared code), and this
 * file only states the narrow shape the review pipeline needs.
 *
 * The claims handed in are the verified token claims with `groups` replaced by
 * the live, Graph-checked group list (overage resolved), so the mapping runs on
 * exactly what the API server would have seen had Entra put the truth in the
 * token.
 */
import type { ReviewedUser } from './token-review.js';

export type MappingResult = { ok: true; user: ReviewedUser } | { ok: false; reason: string };

export type ClaimMapper = (claims: Readonly<Record<string, unknown>>) => MappingResult;

/**
 * Stand-in until src/domain/identity lands (branch `access`): username
 * `entra:<oid>`, groups `entra:<group id>`, uid = oid, and the token's `uti`,
 * `sid` and `tid` as extras so that audit events join to Entra sign-ins.
 */
export const interimMapping: ClaimMapper = (claims) => {
  const oid = claims.oid;
  if (typeof oid !== 'string') return { ok: false, reason: 'missing_oid' };
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g) => typeof g === 'string') : [];
  const extra: Record<string, string[]> = {};
  for (const claim of ['tid', 'uti', 'sid'] as const) {
    const value = claims[claim];
    if (typeof value === 'string' && value !== '') extra[`kentra.dev/${claim}`] = [value];
  }
  return {
    ok: true,
    user: { username: `entra:${oid}`, uid: oid, groups: groups.map((g) => `entra:${g}`), extra },
  };
};
