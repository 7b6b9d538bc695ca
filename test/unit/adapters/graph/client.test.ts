import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FetchLike, GraphClient, GraphRequestError } from '../../../../src/adapters/graph/client.js';
import {
  groupById,
  groupNameCandidates,
  groupsByDisplayName,
} from '../../../../src/adapters/graph/groups.js';
import { type GraphServer, startGraphServer } from '../../../helpers/graph-server.js';

const groups = Array.from({ length: 7 }, (_, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  displayName: i === 6 ? "o'brien-team" : `team-${i}`,
}));

describe('GraphClient against a local Graph-shaped server', () => {
  let server: GraphServer;
  let sleeps: number[];
  let client: GraphClient;

  before(async () => {
    server = await startGraphServer({
      groups: [...groups, { id: 'ffffffff-0000-4000-8000-000000000000', displayName: 'team-1' }],
      pageSize: 3,
    });
  });
  after(() => server.close());

  const makeClient = (options: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) => {
    sleeps = [];
    server.requests.length = 0;
    client = new GraphClient({
      baseUrl: server.baseUrl,
      fetch: globalThis.fetch as FetchLike,
      accessToken: async () => server.token,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      now: () => Date.parse('2026-11-29T05:00:00Z'),
      ...options,
    });
    return client;
  };

  it('follows @odata.nextLink until the last page and keeps request headers on every page', async () => {
    const all = await makeClient().list<{ id: string }>('/groups', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    assert.equal(all.length, 8);
    assert.equal(server.requests.length, 3, 'three pages of three');
    assert.ok(server.headers.slice(-3).every((headers) => headers.consistencylevel === 'eventual'));
  });

  it('waits as long as Retry-After says (seconds, fractional) on 429 and then succeeds', async () => {
    server.faults.push({ status: 429, retryAfter: '2.128' }, { status: 429, retryAfter: '1' });
    const group = await makeClient().get<{ displayName: string }>(`/groups/${groups[2]?.id}`);
    assert.equal(group.displayName, 'team-2');
    assert.deepEqual(sleeps, [2128, 1000]);
  });

  it('honours an HTTP-date Retry-After and backs off exponentially on 503 without one', async () => {
    server.faults.push(
      { status: 503, retryAfter: 'Sun, 29 Nov 2026 05:00:03 GMT' },
      { status: 503 },
      { status: 503 },
    );
    await makeClient().get(`/groups/${groups[0]?.id}`);
    assert.deepEqual(sleeps, [3000, 2000, 4000]);
  });

  it('gives up after maxRetries with a graph.request error that names the status', async () => {
    server.faults.push(
      { status: 429, retryAfter: '1' },
      { status: 429, retryAfter: '1' },
      { status: 429, retryAfter: '1' },
    );
    await assert.rejects(makeClient({ maxRetries: 2 }).get('/groups'), (error: unknown) => {
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.code, 'graph.request');
      assert.equal(error.status, 429);
      assert.equal(error.graphCode, 'TooManyRequests');
      return true;
    });
    assert.deepEqual(sleeps, [1000, 1000]);
    server.faults.length = 0;
  });

  it('reports Graph errors with their code and a hint, never the token', async () => {
    const noToken = makeClient({ accessToken: async () => 'wrong-token-value' });
    await assert.rejects(noToken.get('/groups'), (error: unknown) => {
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.status, 401);
      assert.match(error.message, /InvalidAuthenticationToken/);
      assert.doesNotMatch(error.message + (error.hint ?? ''), /wrong-token-value/);
      assert.match(error.hint ?? '', /--graph-auth/);
      return true;
    });
  });

  it('finds groups by display name (all of them when the name repeats) and by id', async () => {
    makeClient();
    assert.deepEqual((await groupsByDisplayName(client, 'team-1')).map((group) => group.id).sort(), [
      '00000000-0000-4000-8000-000000000001',
      'ffffffff-0000-4000-8000-000000000000',
    ]);
    assert.deepEqual(await groupsByDisplayName(client, "o'brien-team"), [groups[6]]);
    assert.equal((await groupById(client, groups[3]?.id ?? ''))?.displayName, 'team-3');
    assert.equal(await groupById(client, '12345678-0000-4000-8000-000000000000'), undefined);
  });

  it('offers candidate names by prefix, and falls back to listing where startswith is unsupported', async () => {
    makeClient();
    assert.ok((await groupNameCandidates(client, 'teem')).includes('team-3'));
    const plain = await startGraphServer({ groups, startswith: false });
    try {
      const other = new GraphClient({
        baseUrl: plain.baseUrl,
        fetch: globalThis.fetch as FetchLike,
        accessToken: async () => plain.token,
      });
      const names = await groupNameCandidates(other, 'o-brien');
      assert.ok(names.includes("o'brien-team"));
      assert.ok(
        plain.requests.some((path) => !path.includes('%24filter')),
        'listed without a filter',
      );
    } finally {
      await plain.close();
    }
  });
});
