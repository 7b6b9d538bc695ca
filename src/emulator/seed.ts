/**
 * Seed loading: YAML (or JSON) text -> validated SeedDocument -> Tenant objects
 * with every name reference (group members, assignments, policy targets)
 * resolved to object IDs. Any problem becomes one KentraError listing every bad
 * field. The parts of a tenant are built by seed-people.ts, seed-apps.ts,
 * seed-policies.ts and seed-pim.ts, sharing a TenantBuild (seed-build.ts).
 */
import { parseDocument } from 'yaml';
import { KentraError } from '../errors.js';
import { stableGuid } from './ids.js';
import type { Tenant } from './model.js';
import { emptyPim } from './pim-model.js';
import { addApplications, addAssignments, checkManagedIdentities } from './seed-apps.js';
import type { TenantBuild } from './seed-build.js';
import { addGroupMembers, addGroups, addUsers } from './seed-people.js';
import { addPrivilegedAccessGroups } from './seed-pim.js';
import { addConditionalAccessPolicies, addNamedLocations } from './seed-policies.js';
import { readSeed, type SeedDocument, SeedProblems, type SeedTenant } from './seed-schema.js';

/** Parses, validates and builds the tenants of seed text; `source` names the file in messages. */
export function tenantsFromSeedText(text: string, source: string): Tenant[] {
  const json = jsonSeed(text);
  if (json !== undefined) {
    const problems = new SeedProblems();
    const seed = readSeed(json, problems);
    if (problems.list.length > 0) throw seedError(source, problems);
    return tenantsFromSeed(seed, source);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new KentraError(
      'config.invalid',
      `seed file ${source} is not valid YAML: ${first?.message ?? 'parse error'}`,
      {
        hint: 'Fix the YAML syntax at the line shown; docs/emulator.md describes the seed file.',
      },
    );
  }
  const problems = new SeedProblems();
  const seed = readSeed(doc.toJS(), problems);
  if (problems.list.length > 0) throw seedError(source, problems);
  return tenantsFromSeed(seed, source);
}

/**
 * JSON is YAML too, but the YAML parser keeps a node per value: a generated
 * 100,000-user seed took it tens of seconds and gigabytes. A document that
 * parses as JSON skips it (JSON.parse keeps the last of duplicate keys, which
 * generated seeds do not have); anything else goes the YAML way for its messages.
 */
function jsonSeed(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function seedError(source: string, problems: SeedProblems): KentraError {
  const shown = problems.list.slice(0, 20);
  const more =
    problems.list.length > shown.length ? `\n  … and ${problems.list.length - shown.length} more` : '';
  return new KentraError(
    'config.invalid',
    `seed file ${source} has ${problems.list.length} problem(s):\n  ${shown.join('\n  ')}${more}`,
    {
      hint: 'docs/emulator.md describes every field of the seed file.',
      details: { problems: problems.list },
    },
  );
}

/** Builds the tenants of a validated seed, recording unresolved references as problems. */
function buildTenants(seed: SeedDocument, problems: SeedProblems): Tenant[] {
  const seenIds = new Set<string>();
  checkManagedIdentities(seed, problems);
  return seed.tenants.map((t, i) => {
    const tenant = buildTenant(t, `tenants[${i}]`, problems);
    if (seenIds.has(tenant.id) || seenIds.has(tenant.domain)) {
      problems.add(`tenants[${i}]`, `duplicate tenant ${tenant.domain} (${tenant.id})`);
    }
    seenIds.add(tenant.id);
    seenIds.add(tenant.domain);
    return tenant;
  });
}

/** One tenant: an empty directory, then each part of the seed in the order references need. */
function buildTenant(seed: SeedTenant, path: string, problems: SeedProblems): Tenant {
  const build: TenantBuild = {
    seed,
    tenant: emptyTenant(seed),
    path,
    problems,
    usersByUpn: new Map(),
    groupsByName: new Map(),
    appsByName: new Map(),
    locationsByName: new Map(),
  };
  addGroups(build);
  addUsers(build);
  addGroupMembers(build);
  addApplications(build);
  addAssignments(build);
  addNamedLocations(build);
  addConditionalAccessPolicies(build);
  addPrivilegedAccessGroups(build);
  return build.tenant;
}

function emptyTenant(seed: SeedTenant): Tenant {
  const domain = seed.domain.toLowerCase();
  const tenantId = (seed.id ?? stableGuid('tenant', domain)).toLowerCase();
  return {
    id: tenantId,
    domain,
    displayName: seed.displayName ?? domain,
    users: new Map(),
    groups: new Map(),
    applications: new Map(),
    servicePrincipals: new Map(),
    appRoleAssignments: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    subjectSalt: stableGuid(tenantId, 'pairwise-subject'),
    privilegedAccess: emptyPim(),
  };
}

/** Builds tenants from a structurally valid seed (a parsed file or the built-in default). */
export function tenantsFromSeed(seed: SeedDocument, source: string): Tenant[] {
  const problems = new SeedProblems();
  const tenants = buildTenants(seed, problems);
  if (problems.list.length > 0) throw seedError(source, problems);
  return tenants;
}

/** Reads and loads a seed file (--seed FILE). */
export async function readSeedFile(path: string): Promise<{ text: string; source: string }> {
  const { readFile } = await import('node:fs/promises');
  try {
    return { text: await readFile(path, 'utf8'), source: path };
  } catch (error) {
    throw new KentraError('io.read', `cannot read the seed file ${path}`, {
      cause: error,
      hint: 'Check the path given to --seed; docs/emulator.md shows an example seed file.',
    });
  }
}
