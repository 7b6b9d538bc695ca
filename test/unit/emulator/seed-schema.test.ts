import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { defaultSeed } from '../../../src/emulator/default-seed.js';
import { tenantsFromSeedText } from '../../../src/emulator/seed.js';
import { readSeed, SeedProblems } from '../../../src/emulator/seed-schema.js';

const repo = new URL('../../../', import.meta.url);

describe('seed schema', () => {
  it('accepts the built-in default seed', () => {
    const problems = new SeedProblems();
    readSeed(JSON.parse(JSON.stringify(defaultSeed())), problems);
    assert.deepEqual(problems.list, []);
  });

  it('accepts the example seed in docs/emulator.md', () => {
    const doc = readFileSync(new URL('docs/emulator.md', repo), 'utf8');
    const example = /```yaml\n(tenants:[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'docs/emulator.md has a seed example');
    const [contoso] = tenantsFromSeedText(example, 'docs/emulator.md');
    assert.equal(contoso?.domain, 'contoso.example');
    assert.equal(contoso?.conditionalAccessPolicies.length, 1);
    const apps = [...(contoso?.applications.values() ?? [])];
    assert.equal(apps.find((a) => a.displayName === 'my-cli')?.keyCredentials.length, 1);
    assert.equal(apps.find((a) => a.displayName === 'host-identity')?.managedIdentity, 'systemAssigned');
  });

  it('names what Entra would refuse: short secrets, unknown optional claims, controls the emulator does not enforce', () => {
    const problems = new SeedProblems();
    readSeed(
      {
        tenants: [
          {
            domain: 'a.example',
            applications: [
              { displayName: 'app', secrets: [{ value: 'short' }], optionalClaims: { idToken: ['emial'] } },
            ],
            namedLocations: [{ displayName: 'office', ipRanges: [{ cidrAddress: '10.0.0.0' }] }],
            conditionalAccessPolicies: [
              { displayName: 'p', conditions: {}, grantControls: { builtInControls: ['compliantDevice'] } },
            ],
          },
        ],
      },
      problems,
    );
    assert.deepEqual(problems.list, [
      'tenants[0].applications[0].secrets[0].value: needs at least 16 characters',
      'tenants[0].applications[0].optionalClaims.idToken[0]: "emial" is not one of "acct", "auth_time", "email", "family_name", "given_name", "ipaddr", "login_hint", "upn", "verified_primary_email" (did you mean "email"?)',
      'tenants[0].namedLocations[0].ipRanges[0].cidrAddress: "10.0.0.0" is not valid (A CIDR range like 10.0.0.0/8.)',
      'tenants[0].conditionalAccessPolicies[0].grantControls.builtInControls[0]: "compliantDevice" is not one of "block", "mfa"',
    ]);
  });
});
