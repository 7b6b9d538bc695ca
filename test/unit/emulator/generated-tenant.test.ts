/**
 * The emulator at tenant scale: the seed generator gives exactly the sizes
 * asked for, the generated tenant loads through the JSON path, delta rounds
 * page through it with stable pages (each object once), nested memberships
 * resolve through the membership index, and Graph throttles like Entra
 * (429 with Retry-After once an app's budget per tenant is spent).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generatedGroupName, generatedUserName, generateSeed } from '../../../src/emulator/seed-generator.js';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';

const size = { users: 1200, groups: 150, memberships: 6000, nestingDepth: 3 };

describe('a generated tenant', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator({ seed: JSON.stringify(generateSeed(size)) });
  });
  after(() => entra?.stop());

  it('has the sizes asked for, deterministically', () => {
    const seed = generateSeed(size);
    assert.deepEqual(seed, generateSeed(size), 'same numbers, same seed');
    const tenant = seed.tenants[0];
    const users = (tenant?.users ?? []).filter((u) => u.userPrincipalName.startsWith('user-'));
    const groups = (tenant?.groups ?? []).filter((g) => g.displayName.startsWith('team-'));
    assert.equal(users.length, size.users);
    assert.equal(groups.length, size.groups);
    assert.equal(
      users.reduce((n, u) => n + (u.memberOf?.length ?? 0), 0),
      size.memberships,
    );
    for (const u of users) assert.equal(new Set(u.memberOf).size, u.memberOf?.length, 'no repeated group');
    // Chains of nesting: team-00000 > team-00001 > team-00002 > team-00003.
    const members = (name: string) => groups.find((g) => g.displayName === name)?.members;
    assert.deepEqual(members(generatedGroupName(0)), [generatedGroupName(1)]);
    assert.deepEqual(members(generatedGroupName(2)), [generatedGroupName(3)]);
    assert.equal(members(generatedGroupName(3)), undefined, 'the chain is 3 deep');
  });

  it('pages users/delta and groups/delta through everything, each object once', async () => {
    const seen = { users: new Set<string>(), groups: new Set<string>() };
    let memberships = 0;
    for (const stream of ['users', 'groups'] as const) {
      let next: string | undefined = `/${stream}/delta?$select=id${stream === 'groups' ? ',members' : ''}`;
      let pages = 0;
      while (next) {
        const page = (await entra.graph(next)).body as Record<string, unknown>;
        for (const item of page.value as Array<Record<string, unknown>>) {
          assert.ok(!seen[stream].has(item.id as string), `${stream} ${item.id} listed twice`);
          seen[stream].add(item.id as string);
          memberships += ((item['members@delta'] as unknown[]) ?? []).length;
        }
        next = page['@odata.nextLink'] as string | undefined;
        pages++;
        if (!next) assert.equal(typeof page['@odata.deltaLink'], 'string');
      }
      assert.ok(pages > 1, `${stream}/delta took more than one page`);
    }
    assert.ok(seen.users.size >= size.users && seen.groups.size >= size.groups);
    // The demo tenant's own memberships come on top of the generated ones (and the nesting edges).
    assert.ok(memberships >= size.memberships);
  });

  it('resolves nested memberships through the index, also after a change', async () => {
    const user = generatedUserName(7, 'kentra-demo.onmicrosoft.com');
    const oid = ((await entra.graph(`/users/${user}`)).body as { id: string }).id;
    const groupId = async (name: string) =>
      (
        (await entra.graph(`/groups?$filter=${encodeURIComponent(`displayName eq '${name}'`)}`)).body as {
          value: Array<{ id: string }>;
        }
      ).value[0]?.id as string;
    const leaf = await groupId(generatedGroupName(3));
    const root = await groupId(generatedGroupName(0));
    const memberGroups = async () =>
      (
        (await entra.graph(`/users/${oid}/getMemberGroups`, { method: 'POST', body: {} })).body as {
          value: string[];
        }
      ).value;
    entra.control.addToGroup(user, generatedGroupName(3));
    assert.ok((await memberGroups()).includes(root), 'in the chain root through three nestings');
    entra.control.removeFromGroup(user, generatedGroupName(3));
    const after = await memberGroups();
    assert.ok(!after.includes(leaf));
  });

  it('throttles an app past its budget with 429 and Retry-After, per tenant and app', async () => {
    entra.control.setGraphThrottle(3);
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const answer = await entra.graph('/groups?$top=1');
        statuses.push(answer.status);
        if (answer.status === 429) retryAfter = answer.headers['retry-after'] ?? null;
      }
      assert.deepEqual(statuses.slice(-2), [429, 429]);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 10, `Retry-After ${retryAfter}`);
    } finally {
      entra.control.setGraphThrottle(Number.POSITIVE_INFINITY);
    }
  });
});
