import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FetchLike, GraphClient } from '../../../src/adapters/graph/client.js';
import type { AccessRule } from '../../../src/domain/access/model.js';
import { formatIssue } from '../../../src/domain/config-check/issues.js';
import { resolveGroups } from '../../../src/usecases/resolve-groups.js';
import { type GraphServer, startGraphServer } from '../../helpers/graph-server.js';

const rule = (index: number, group: string): AccessRule => ({
  index,
  group,
  roleRef: { kind: 'ClusterRole', name: 'view' },
  scope: { kind: 'cluster' },
});

describe('resolveGroups through Microsoft Graph', () => {
  let server: GraphServer;
  let graph: GraphClient;

  before(async () => {
    server = await startGraphServer({
      groups: [
        { id: 'a1b2c3d4-0000-4000-8000-000000000001', displayName: 'developers' },
        { id: 'a1b2c3d4-0000-4000-8000-000000000002', displayName: 'admins' },
        { id: 'a1b2c3d4-0000-4000-8000-000000000003', displayName: 'on-call' },
        { id: 'a1b2c3d4-0000-4000-8000-000000000004', displayName: 'on-call' },
      ],
    });
    graph = new GraphClient({
      baseUrl: server.baseUrl,
      fetch: globalThis.fetch as FetchLike,
      accessToken: async () => server.token,
    });
  });
  after(() => server.close());

  it('maps names and IDs to object IDs, looking each distinct group up once', async () => {
    const rules = [
      rule(0, 'developers'),
      rule(1, 'Developers'),
      rule(2, 'A1B2C3D4-0000-4000-8000-000000000002'),
    ];
    server.requests.length = 0;
    const { groups, issues } = await resolveGroups(rules, graph);
    assert.deepEqual(issues, []);
    assert.deepEqual(groups.get(0), {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      displayName: 'developers',
    });
    assert.deepEqual(groups.get(1), groups.get(0));
    assert.deepEqual(groups.get(2), { id: 'a1b2c3d4-0000-4000-8000-000000000002', displayName: 'admins' });
    assert.equal(server.requests.length, 2);
  });

  it('reports an unknown name at its rule with the closest group name', async () => {
    const rules = [rule(0, 'admins'), rule(1, 'admins'), rule(2, 'admins'), rule(3, 'devs')];
    const { issues } = await resolveGroups(rules, graph);
    assert.deepEqual(
      issues.map((issue) => formatIssue(issue)),
      ['rules[3].group: no Entra group named "devs" (did you mean "developers"?)'],
    );
  });

  it('refuses a display name that two groups share, and an object ID that does not exist', async () => {
    const { issues } = await resolveGroups(
      [rule(0, 'on-call'), rule(1, '99999999-0000-4000-8000-000000000000')],
      graph,
    );
    assert.deepEqual(
      issues.map((issue) => `${formatIssue({ ...issue, hint: undefined })} | ${issue.hint}`),
      [
        'rules[0].group: 2 Entra groups are named "on-call" (a1b2c3d4-0000-4000-8000-000000000003, a1b2c3d4-0000-4000-8000-000000000004) | Display names are not unique in Entra: name the group by its object ID instead.',
        'rules[1].group: no Entra group with object ID 99999999-0000-4000-8000-000000000000 | Check the ID in the Entra admin center (Groups > Overview).',
      ],
    );
  });

  it('without a Graph token accepts object IDs (with a warning) and refuses names', async () => {
    const byId = await resolveGroups([rule(0, 'a1b2c3d4-0000-4000-8000-000000000001')], undefined);
    assert.deepEqual(byId.issues, []);
    assert.match(byId.warnings[0] ?? '', /not checked/);
    const byName = await resolveGroups([rule(0, 'developers')], undefined);
    assert.match(byName.issues[0]?.hint ?? '', /--graph-auth/);
  });

  it('asks Graph a few groups at a time, and a Graph failure fails the whole resolution', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: FetchLike = async (url, init) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await (globalThis.fetch as FetchLike)(url, init);
      } finally {
        inFlight--;
      }
    };
    const client = new GraphClient({
      baseUrl: server.baseUrl,
      fetch: counting,
      accessToken: async () => server.token,
    });
    // Twelve distinct object IDs (most unknown): twelve look-ups.
    const many = Array.from({ length: 12 }, (_, i) =>
      rule(i, `a1b2c3d4-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`),
    );
    await resolveGroups(many, client);
    assert.ok(most <= 4, `at most 4 requests at once, saw ${most}`);
    assert.ok(most > 1, 'and more than one');
    const refused = new GraphClient({
      baseUrl: server.baseUrl,
      fetch: globalThis.fetch as FetchLike,
      accessToken: async () => 'not-the-token',
    });
    await assert.rejects(
      resolveGroups([rule(0, 'developers'), rule(1, 'admins'), rule(2, 'on-call')], refused),
      /401/,
    );
  });
});
