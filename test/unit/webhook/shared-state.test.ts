/**
 * The live state shared through a real redis-server: one leader polls Graph
 * for all replicas, every replica applies the stream, a restarted replica
 * loads the snapshot without asking Graph, a corrupt or foreign snapshot is
 * refused and answered with a full round, a stopped store ages the state into
 * failing closed and the replicas recover when it returns, and a store that
 * cannot be reached at start is named by /readyz.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisClient } from '../../../src/adapters/redis.js';
import { EntraState } from '../../../src/webhook/entra-state.js';
import type { GraphReader } from '../../../src/webhook/graph-reader.js';
import { silentLog } from '../../../src/webhook/log.js';
import { RedisStateStore } from '../../../src/webhook/shared/redis-store.js';
import { SharedLiveState } from '../../../src/webhook/shared/shared-state.js';
import { type RedisServer, startRedis } from '../../harness/redis.js';
import { FakeGraph } from './fake-graph.js';

const identity = { tenant: 't1', scope: 'all-groups' };

interface Replica {
  state: EntraState;
  shared: SharedLiveState;
  logs: string[];
  stop(): Promise<void>;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, limitMs = 15_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('live state shared through Redis', () => {
  let redis: RedisServer;
  let graph: FakeGraph;
  let prefix = 0;
  const replicas: Replica[] = [];

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const replica of replicas) await replica.stop().catch(() => {});
    await redis?.dispose();
  });

  async function replica(
    keys: string,
    options: { url?: string; maxStalenessMs?: number; snapshotIntervalMs?: number; graph?: GraphReader } = {},
  ): Promise<Replica> {
    const url = options.url ?? redis.url;
    const logs: string[] = [];
    const store = new RedisStateStore(redisClient(url), redisClient(url), keys);
    const shared = new SharedLiveState({
      store,
      storeName: url,
      identity,
      holder: `replica-${replicas.length}`,
      leaseTtlMs: 1500,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 300,
      now: Date.now,
      log: (_level, event, fields) => logs.push(`${event} ${JSON.stringify(fields ?? {})}`),
    });
    const state = new EntraState({
      ...shared.hooks(),
      graph: options.graph ?? graph,
      now: Date.now,
      pollIntervalMs: 100,
      maxStalenessMs: options.maxStalenessMs ?? 30_000,
      log: silentLog,
    });
    await shared.start(state);
    await state.start();
    const handle = {
      state,
      shared,
      logs,
      async stop() {
        await state.stop();
        await shared.stop();
      },
    };
    replicas.push(handle);
    return handle;
  }

  function freshDirectory() {
    graph = new FakeGraph();
    graph.addUser('alice');
    graph.addUser('bob');
    graph.addGroup('ops', ['alice', 'bob']);
    return `kentra-test:${++prefix}`;
  }

  const verdict = async (r: Replica, oid: string) => {
    const answer = await r.state.check({ oid, iat: Math.floor(Date.now() / 1000) - 5, groups: ['ops'] });
    return answer.ok ? 'allowed' : answer.reason;
  };

  it('one leader polls Graph for three replicas, and every replica applies its changes', async () => {
    const keys = freshDirectory();
    const three = [await replica(keys), await replica(keys), await replica(keys)];
    await until('all three ready', () => three.every((r) => r.state.ready));
    assert.equal(three.filter((r) => r.shared.leader).length, 1, 'exactly one leader');
    const callsBefore = graph.calls.length;
    await until('ten more Graph requests', () => graph.calls.length >= callsBefore + 10);
    // Every round is users/delta + groups/delta, from the leader only: three replicas poll like one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const perRound = 2;
    const rounds = (graph.calls.length - callsBefore) / perRound;
    assert.ok(rounds <= 12, `${rounds} rounds in ~0.5 s + 10 requests at a 100 ms interval: one poller`);

    for (const r of three) assert.equal(await verdict(r, 'alice'), 'allowed');
    graph.disable('alice');
    await until('every replica denies alice', async () =>
      (await Promise.all(three.map((r) => verdict(r, 'alice')))).every((v) => v === 'account_disabled'),
    );
    for (const r of three) await r.stop();
  });

  it('a restarted replica loads the snapshot and its stream position, without Graph', async () => {
    const keys = freshDirectory();
    const first = await replica(keys);
    await until('ready', () => first.state.ready);
    graph.disable('bob');
    await until('bob disabled', async () => (await verdict(first, 'bob')) === 'account_disabled');
    await until('a snapshot', async () => (await redis.command('EXISTS', `${keys}:snapshot`)) === '1');
    // Keep the leader (it owns the poll); the newcomer must not ask Graph for anything.
    const newcomerCalls: string[] = [];
    const second = await replica(keys, {
      graph: {
        get: async (path) => {
          newcomerCalls.push(path);
          throw new Error('the newcomer asked Graph');
        },
        post: async (path) => {
          newcomerCalls.push(path);
          throw new Error('the newcomer asked Graph');
        },
      },
    });
    assert.ok(second.state.ready, 'ready at once from the snapshot');
    assert.ok(
      second.logs.some((l) => l.startsWith('store.snapshot_loaded')),
      second.logs.join('\n'),
    );
    assert.equal(second.shared.leader, false);
    assert.equal(await verdict(second, 'bob'), 'account_disabled');
    assert.equal(await verdict(second, 'alice'), 'allowed');
    graph.disable('alice');
    await until(
      'alice disabled through the stream',
      async () => (await verdict(second, 'alice')) === 'account_disabled',
    );
    assert.deepEqual(newcomerCalls, [], 'a restart reads Redis, not Graph');
    await first.stop();
    await second.stop();
  });

  for (const [name, snapshot] of [
    [
      'corrupt',
      '{"format":"kentra.webhook.state/v1","tenant":"t1","scope":"all-groups","state":"{}","sha256":"00"}',
    ],
    ['foreign', null],
  ] as const)
    it(`a ${name} snapshot is refused with a warning and answered with a full round`, async () => {
      const keys = freshDirectory();
      const leader = await replica(keys);
      await until('ready', () => leader.state.ready);
      await until('a snapshot', async () => (await redis.command('EXISTS', `${keys}:snapshot`)) === '1');
      const text =
        snapshot ??
        (await redis.command('GET', `${keys}:snapshot`)).replace(
          '"tenant":"t1"',
          '"tenant":"another-tenant"',
        );
      await redis.command('SET', `${keys}:snapshot`, text);
      // Trim the history so the newcomer cannot replay it: only a full round can make it whole.
      await redis.command('XTRIM', `${keys}:stream`, 'MAXLEN', '0');
      const fullRounds = () => graph.calls.filter((c) => c.includes('/users/delta?$select')).length;
      const fullBefore = fullRounds();
      const newcomer = await replica(keys);
      const rejected = newcomer.logs.find((l) => l.startsWith('store.snapshot_rejected'));
      assert.ok(rejected, newcomer.logs.join('\n'));
      assert.match(rejected, name === 'corrupt' ? /corrupt/ : /another tenant/);
      await until('the newcomer is ready after a full round', () => newcomer.state.ready);
      assert.ok(fullRounds() > fullBefore, 'the leader listed everything again');
      assert.equal(await verdict(newcomer, 'alice'), 'allowed');
      await newcomer.stop();
      await leader.stop();
    });

  it('store gone: answers from memory, then fails closed; store back: recovers without a restart', async () => {
    const keys = freshDirectory();
    const r = await replica(keys, { maxStalenessMs: 1500 });
    await until('ready', () => r.state.ready);
    await redis.stop();
    assert.equal(await verdict(r, 'alice'), 'allowed', 'answers from memory at first');
    await until('fail closed', async () => (await verdict(r, 'alice')) === 'live_state_stale');
    await redis.start(); // empty: the leader lists everything again
    await until('recovered', async () => (await verdict(r, 'alice')) === 'allowed', 20_000);
    await r.stop();
  });

  it('a store that cannot be reached at start: not ready, naming the store', async () => {
    graph = new FakeGraph();
    const nowhere = `redis://127.0.0.1:${redis.port + 1}`;
    const r = await replica('kentra-test:nowhere', { url: nowhere });
    assert.equal(r.shared.notReady(), `store ${nowhere} unreachable`);
    assert.equal(r.state.ready, false);
    await r.stop();
  });
});
