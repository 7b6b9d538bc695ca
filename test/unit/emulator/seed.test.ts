import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultSeed,
  demoKentraClientId,
  demoTenantId,
  manyGroupsCount,
} from '../../../src/emulator/default-seed.js';
import { tenantsFromSeed, tenantsFromSeedText } from '../../../src/emulator/seed.js';
import { KentraError } from '../../../src/errors.js';

function seedProblems(text: string): string {
  try {
    tenantsFromSeedText(text, 'bad.yaml');
  } catch (error) {
    assert.ok(error instanceof KentraError);
    assert.equal(error.code, 'config.invalid');
    assert.doesNotMatch(error.message, /at .*\.ts:\d+/, 'no stack trace in the message');
    return error.message;
  }
  assert.fail('the seed was accepted');
}

describe('seed files', () => {
  it('builds the built-in demo tenant with fixed IDs and every demo persona', () => {
    const [tenant] = tenantsFromSeed(defaultSeed(), 'built-in');
    assert.ok(tenant);
    assert.equal(tenant.id, demoTenantId);
    const users = [...tenant.users.values()];
    assert.equal(users.filter((u) => !u.accountEnabled).length, 1);
    assert.equal(users.filter((u) => u.userType === 'Guest').length, 1);
    const many = users.find((u) => u.userPrincipalName.startsWith('manny'));
    assert.ok(many);
    const memberships = [...tenant.groups.values()].filter((g) => g.members.has(many.id)).length;
    assert.ok(memberships > 200 && memberships === manyGroupsCount + 1);
    const names = [...tenant.groups.values()].map((g) => g.displayName);
    for (const name of ['platform-admins', 'developers', 'viewers']) assert.ok(names.includes(name));
    assert.ok(
      [...tenant.applications.values()].some(
        (a) => a.appId === demoKentraClientId && a.isFallbackPublicClient,
      ),
    );
  });

  it('derives the same object IDs on every load', () => {
    const text =
      'tenants:\n- domain: contoso.example\n  users: [{userPrincipalName: a@contoso.example, password: x}]\n';
    const [first] = tenantsFromSeedText(text, 'a.yaml');
    const [second] = tenantsFromSeedText(text, 'a.yaml');
    assert.deepEqual([...(first?.users.keys() ?? [])], [...(second?.users.keys() ?? [])]);
    assert.equal(first?.id, second?.id);
  });

  it('names the path of every bad field at once', () => {
    const message = seedProblems(`
tenants:
  - domain: contoso.example
    colour: blue
    users:
      - userPrincipalName: alice@contoso.example
      - userPrincipalName: not-an-email
        password: x
        accountEnabled: "yes"
    applications:
      - displayName: app
        appId: not-a-guid
        requestedAccessTokenVersion: 3
`);
    assert.match(message, /tenants\[0\]\.colour: unknown field \(known fields here: id, domain, /);
    assert.match(message, /tenants\[0\]\.users\[0\]\.password: is required/);
    assert.match(
      message,
      /tenants\[0\]\.users\[1\]\.userPrincipalName: "not-an-email" is not valid \(Must look like name@domain\.\)/,
    );
    assert.match(message, /tenants\[0\]\.users\[1\]\.accountEnabled: expected true or false, got string/);
    assert.match(
      message,
      /tenants\[0\]\.applications\[0\]\.appId: "not-a-guid" is not valid \(An object ID \(GUID\)\.\)/,
    );
    assert.match(message, /requestedAccessTokenVersion: 3 is not one of 1, 2/);
  });

  it('checks credentials and managed identities: PEM certificates, https issuers, one system identity', () => {
    const shape = seedProblems(`
tenants:
  - domain: contoso.example
    applications:
      - displayName: ci
        certificates: [{certificate: not-a-pem}]
        federatedCredentials:
          - {name: gh, issuer: http://issuer.example, subject: repo:x}
      - displayName: odd
        managedIdentity: groupAssigned
`);
    assert.match(
      shape,
      /applications\[0\]\.certificates\[0\]\.certificate: "not-a-pem" is not valid \(A PEM certificate\.\)/,
    );
    assert.match(
      shape,
      /federatedCredentials\[0\]\.issuer: "http:\/\/issuer\.example" is not valid \(An https issuer URL\.\)/,
    );
    assert.match(
      shape,
      /applications\[1\]\.managedIdentity: "groupAssigned" is not one of "systemAssigned", "userAssigned"/,
    );
    const built = seedProblems(`
tenants:
  - domain: contoso.example
    applications:
      - displayName: ci
        certificates: [{certificate: "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----"}]
        federatedCredentials:
          - {name: gh, issuer: https://issuer.example, subject: repo:x, audiences: [a, b]}
      - {displayName: host, managedIdentity: systemAssigned, secrets: [{value: a-secret-of-sixteen-chars}]}
      - {displayName: second-host, managedIdentity: systemAssigned}
`);
    assert.match(
      built,
      /applications\[0\]\.certificates\[0\]\.certificate: is not a readable X\.509 certificate/,
    );
    assert.match(built, /federatedCredentials\[0\]\.audiences: takes exactly one value/);
    assert.match(built, /applications\[1\]\.secrets: a managed identity has no app registration/);
    assert.match(built, /applications\[2\]\.managedIdentity: only one system-assigned managed identity/);
  });

  it('reports references to groups, users and roles that do not exist', () => {
    const message = seedProblems(`
tenants:
  - domain: contoso.example
    users: [{userPrincipalName: a@contoso.example, password: x, memberOf: [ghosts]}]
    groups: [{displayName: team, members: [nobody@contoso.example]}]
    applications:
      - displayName: app
        assignments: [{principal: team, role: Admin}]
        apiPermissions: [{resource: Microsoft Graph, roles: [Make.Coffee]}]
`);
    assert.match(message, /users\[0\]\.memberOf\[0\]: no group named "ghosts"/);
    assert.match(message, /groups\[0\]\.members\[0\]: no user or group "nobody@contoso.example"/);
    assert.match(message, /assignments\[0\]\.role: application app has no app role "Admin"/);
    assert.match(
      message,
      /apiPermissions\[0\]\.roles\[0\]: Microsoft Graph has no application permission Make\.Coffee/,
    );
  });

  it('onboards PIM groups with policy defaults, and names bad PIM entries', () => {
    const [tenant] = tenantsFromSeedText(
      `tenants:
  - domain: contoso.example
    users: [{userPrincipalName: a@contoso.example, password: x}]
    groups: [{displayName: oncall}]
    privilegedAccessGroups: [{group: oncall, eligible: [a@contoso.example]}]
`,
      'pim.yaml',
    );
    const policy = [...(tenant?.privilegedAccess.policies.values() ?? [])][0];
    assert.equal(policy?.maximumDuration, 'PT8H');
    assert.equal(policy?.requireJustification, true);
    assert.equal(policy?.approvers.length, 0);
    assert.equal(tenant?.privilegedAccess.eligibility[0]?.accessId, 'member');
    const pim = (entries: string) =>
      seedProblems(`
tenants:
  - domain: contoso.example
    users: [{userPrincipalName: a@contoso.example, password: x}]
    groups: [{displayName: oncall}, {displayName: team}]
    privilegedAccessGroups: ${entries}
`);
    // The shape first (every bad field at once), then the references between entries.
    const shape = pim('[{group: oncall, maximumDuration: 2h, authenticationContext: c100}]');
    assert.match(
      shape,
      /privilegedAccessGroups\[0\]\.maximumDuration: "2h" is not valid \(.*ISO 8601 duration/,
    );
    assert.match(
      shape,
      /privilegedAccessGroups\[0\]\.authenticationContext: "c100" is not valid \(.*c1\.\.c99/,
    );
    const references = pim('[{group: oncall, approvers: [nobody], eligible: [team]}, {group: ghosts}]');
    assert.match(references, /privilegedAccessGroups\[0\]\.approvers\[0\]: no user or group "nobody"/);
    assert.match(
      references,
      /privilegedAccessGroups\[0\]\.eligible\[0\]: the emulator makes users eligible, not groups/,
    );
    assert.match(references, /privilegedAccessGroups\[1\]\.group: no group named "ghosts"/);
  });

  it('rejects YAML that does not parse, and documents that are not a tenant list', () => {
    assert.match(seedProblems('tenants: [\n'), /is not valid YAML/);
    assert.match(seedProblems('- just a list'), /\(top level\): expected a mapping, got array/);
    assert.match(seedProblems('tenants: []'), /tenants: needs at least 1 item/);
  });
});
