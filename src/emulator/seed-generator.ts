/**
 * A tenant of any size for scale tests and benchmarks: the built-in demo tenant
 * (its apps, users and groups keep their fixed IDs, so every test helper still
 * works) plus N generated users, M groups, K memberships spread evenly and
 * deterministically over the users, and chains of nested groups D levels deep.
 *
 * Deterministic: the same numbers give the same seed (no randomness), so a
 * benchmark's tenant is reproducible. Output is a SeedDocument; written as JSON
 * (`scripts/generate-seed.ts`), it loads through the fast JSON path of the seed reader.
 */
import { defaultSeed } from './default-seed.js';
import type { SeedDocument, SeedGroup, SeedUser } from './seed-schema.js';

export interface GeneratedTenantSize {
  users: number;
  groups: number;
  memberships: number;
  /** Longest chain of nested groups (0: no nesting). */
  nestingDepth: number;
}

export const generatedUserPassword = 'Kentra!scale-2026';

export function generatedUserName(index: number, domain: string): string {
  return `user-${String(index).padStart(6, '0')}@${domain}`;
}

export function generatedGroupName(index: number): string {
  return `team-${String(index).padStart(5, '0')}`;
}

/** The demo tenant grown to the given size. */
export function generateSeed(size: GeneratedTenantSize): SeedDocument {
  const seed = defaultSeed();
  const tenant = seed.tenants[0];
  if (!tenant) throw new Error('the demo seed has no tenant');
  const groupNames = Array.from({ length: size.groups }, (_, i) => generatedGroupName(i));
  tenant.groups = [...(tenant.groups ?? []), ...nestedGroups(groupNames, size.nestingDepth)];
  tenant.users = [...(tenant.users ?? []), ...generatedUsers(size, groupNames, tenant.domain)];
  return seed;
}

function generatedUsers(size: GeneratedTenantSize, groups: readonly string[], domain: string): SeedUser[] {
  const users: SeedUser[] = [];
  const step = coprimeStep(groups.length);
  const base = Math.floor(size.memberships / Math.max(1, size.users));
  const extra = size.memberships % Math.max(1, size.users);
  for (let i = 0; i < size.users; i++) {
    const count = Math.min(groups.length, base + (i < extra ? 1 : 0));
    // Distinct groups per user: start anywhere, walk with a step coprime to the group count.
    const start = (i * 2_654_435_761) % Math.max(1, groups.length);
    const memberOf = Array.from(
      { length: count },
      (_, j) => groups[(start + j * step) % groups.length] as string,
    );
    users.push({
      userPrincipalName: generatedUserName(i, domain),
      password: generatedUserPassword,
      memberOf,
    });
  }
  return users;
}

/** Chains of `depth` nestings: group k+1 is a member of group k within each chain (at most 50 chains). */
function nestedGroups(names: readonly string[], depth: number): SeedGroup[] {
  const groups: SeedGroup[] = names.map((displayName) => ({ displayName }));
  if (depth <= 0) return groups;
  const chains = Math.min(50, Math.floor(names.length / (depth + 1)));
  for (let c = 0; c < chains; c++)
    for (let d = 0; d < depth; d++) {
      const parent = groups[c * (depth + 1) + d] as SeedGroup;
      parent.members = [names[c * (depth + 1) + d + 1] as string];
    }
  return groups;
}

function coprimeStep(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const candidate of [7919, 104_729, 15_485_863, 1])
    if (n <= 1 || gcd(candidate, n) === 1) return candidate;
  return 1;
}
