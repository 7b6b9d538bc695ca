import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { tenantsFromSeedText } from '../../../src/emulator/seed.js';
import { readSeed, SeedProblems } from '../../../src/emulator/seed-schema.js';

const repo = new URL('../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/emulator-seed.schema.json', repo), 'utf8')) as {
  $defs: Record<string, { properties: Record<string, unknown> }>;
};

/** The fields the validator accepts at a place, read from its "unknown field (allowed: ...)" message. */
function allowedAt(wrap: (probe: Record<string, unknown>) => unknown): string[] {
  const problems = new SeedProblems();
  readSeed(wrap({ notAField: 1 }), problems);
  const line = problems.list.find((p) => p.includes('notAField: unknown field'));
  assert.ok(line, `no unknown-field report in ${JSON.stringify(problems.list)}`);
  return (/allowed: ([^)]*)\)/.exec(line)?.[1] ?? '').split(', ').sort();
}

describe('seed schema file', () => {
  const tenant = (extra: Record<string, unknown>) => ({ tenants: [{ domain: 'a.example', ...extra }] });
  const places: Record<string, (probe: Record<string, unknown>) => unknown> = {
    tenant: (probe) => tenant(probe),
    user: (probe) => tenant({ users: [{ userPrincipalName: 'a@a.example', password: 'x', ...probe }] }),
    group: (probe) => tenant({ groups: [{ displayName: 'g', ...probe }] }),
    application: (probe) => tenant({ applications: [{ displayName: 'app', ...probe }] }),
    namedLocation: (probe) => tenant({ namedLocations: [{ displayName: 'l', ipRanges: [], ...probe }] }),
    policy: (probe) =>
      tenant({ conditionalAccessPolicies: [{ displayName: 'p', conditions: {}, ...probe }] }),
    privilegedAccessGroup: (probe) => tenant({ privilegedAccessGroups: [{ group: 'g', ...probe }] }),
  };

  for (const [name, wrap] of Object.entries(places)) {
    it(`lists exactly the ${name} fields the loader accepts`, () => {
      const documented = Object.keys(schema.$defs[name]?.properties ?? {}).sort();
      assert.deepEqual(documented, allowedAt(wrap));
    });
  }

  it('accepts the example seed in docs/emulator.md', () => {
    const doc = readFileSync(new URL('docs/emulator.md', repo), 'utf8');
    const example = /```yaml\n(tenants:[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'docs/emulator.md has a seed example');
    const [contoso] = tenantsFromSeedText(example, 'docs/emulator.md');
    assert.equal(contoso?.domain, 'contoso.example');
    assert.equal(contoso?.conditionalAccessPolicies.length, 1);
  });
});
