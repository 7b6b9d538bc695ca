import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { EntraState } from '../../../src/webhook/entra-state.js';
import { silentLog } from '../../../src/webhook/log.js';
import { FakeGraph } from './fake-graph.js';

/** An EntraState over the fake Graph after its first full round (2 s polls, 30 s staleness). */
async function syncedState(
  graph: FakeGraph,
  now: () => number,
  options: Partial<ConstructorParameters<typeof EntraState>[0]> = {},
): Promise<EntraState> {
  const state = new EntraState({
    graph,
    now,
    pollIntervalMs: 2000,
    maxStalenessMs: 30_000,
    log: silentLog,
    ...options,
  });
  await state.syncOnce();
  return state;
}

describe('EntraState', () => {
  let clock: number;
  let graph: FakeGraph;
  let state: EntraState;
  const iat = () => Math.floor(clock / 1000) - 60;

  beforeEach(async () => {
    clock = Date.parse('2026-11-29T05:00:00Z');
    graph = new FakeGraph();
    graph.addUser('alice');
    graph.addUser('bob');
    graph.addGroup('ops', ['alice']);
    graph.addGroup('platform', ['ops']); // nested: alice is in platform through ops
    graph.addGroup('finance', []);
    state = await syncedState(graph, () => clock, { maxBackoffMs: 16_000 });
  });

  it('keeps the token groups that are still true, including nested ones', async () => {
    const verdict = await state.check({ oid: 'alice', iat: iat(), groups: ['ops', 'platform', 'finance'] });
    assert.deepEqual(verdict, { ok: true, groups: ['ops', 'platform'] });
    assert.ok(
      graph.calls.some((c) => c.includes('page=2')),
      'the full sync followed the nextLink',
    );
  });

  it('drops a removed membership after the next delta round, and bumps the version', async () => {
    const before = state.version;
    graph.removeMember('ops', 'alice');
    await state.syncOnce();
    assert.ok(state.version > before);
    assert.deepEqual(await state.check({ oid: 'alice', iat: iat(), groups: ['ops', 'platform'] }), {
      ok: true,
      groups: [],
    });
  });

  it('denies a disabled account, a revoked session and an unknown user', async () => {
    graph.disable('bob');
    graph.revokeSessions('alice', new Date(clock));
    await state.syncOnce();
    assert.deepEqual(await state.check({ oid: 'bob', iat: iat() }), {
      ok: false,
      reason: 'account_disabled',
    });
    assert.deepEqual(await state.check({ oid: 'alice', iat: iat() }), {
      ok: false,
      reason: 'sessions_revoked',
    });
    const fresh = await state.check({ oid: 'alice', iat: Math.floor(clock / 1000) + 1, groups: ['ops'] });
    assert.deepEqual(fresh, { ok: true, groups: ['ops'] }, 'a token issued after the revocation is fine');
    assert.deepEqual(await state.check({ oid: 'mallory', iat: iat() }), {
      ok: false,
      reason: 'user_unknown',
    });
  });

  it('resolves groups overage with getMemberGroups and refreshes it after a membership change', async () => {
    const overage = { oid: 'alice', iat: iat(), _claim_names: { groups: 'src1' }, _claim_sources: {} };
    const first = await state.check(overage);
    assert.ok(first.ok);
    assert.deepEqual([...first.groups].sort(), ['ops', 'platform']);
    await state.check(overage);
    assert.equal(graph.calls.filter((c) => c.includes('getMemberGroups')).length, 1, 'cached per user');
    graph.removeMember('ops', 'alice');
    await state.syncOnce();
    assert.deepEqual(await state.check(overage), { ok: true, groups: [] });
    assert.equal(graph.calls.filter((c) => c.includes('getMemberGroups')).length, 2);
  });

  it('backs off on 429 with Retry-After and on 503, answers from the last state, then fails closed', async () => {
    graph.fail(429, 1, '7.5');
    const throttled = await state.syncOnce().catch((error: unknown) => error);
    assert.equal(state.nextDelay(throttled), 7500, 'Retry-After wins over the poll interval');
    clock += 10_000;
    assert.equal(
      (await state.check({ oid: 'alice', iat: iat(), groups: ['ops'] })).ok,
      true,
      'still within bound',
    );

    graph.failOn('/users/delta', 503, 3);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) delays.push(state.nextDelay(await state.syncOnce().catch((e: unknown) => e)));
    assert.deepEqual(
      delays,
      [16_000, 16_000, 16_000].map((cap, i) => Math.min(2000 * 2 ** (i + 2), cap)),
    );

    clock += 25_000; // now 35 s since the last good round: beyond the 30 s bound
    assert.deepEqual(await state.check({ oid: 'alice', iat: iat(), groups: ['ops'] }), {
      ok: false,
      reason: 'live_state_stale',
    });
    await state.syncOnce();
    assert.equal((await state.check({ oid: 'alice', iat: iat(), groups: ['ops'] })).ok, true, 'recovers');
  });

  it('is not ready before the first successful round', async () => {
    const cold = new EntraState({
      graph,
      now: () => clock,
      pollIntervalMs: 1,
      maxStalenessMs: 1,
      log: silentLog,
    });
    assert.deepEqual(await cold.check({ oid: 'alice' }), { ok: false, reason: 'live_state_not_ready' });
  });
});

describe('EntraState with the access file scope: active memberships are granted (PIM, issue #17)', () => {
  let clock: number;
  let graph: FakeGraph;
  let state: EntraState;
  const iat = () => Math.floor(clock / 1000) - 60;

  beforeEach(async () => {
    clock = Date.parse('2026-11-29T05:00:00Z');
    graph = new FakeGraph();
    for (const user of ['alice', 'bob', 'carol']) graph.addUser(user);
    graph.addGroup('ops', ['alice']);
    graph.addGroup('oncall', ['ops']); // named by the access file; alice is in it through ops
    graph.addGroup('finance', ['carol']); // not named
    state = await syncedState(graph, () => clock, { scope: { ids: ['oncall'], names: [] } });
  });

  it('grants a named group the user is in now, though the token does not list it', async () => {
    assert.deepEqual(await state.check({ oid: 'alice', iat: iat() }), { ok: true, groups: ['oncall'] });
    assert.deepEqual(await state.check({ oid: 'bob', iat: iat() }), { ok: true, groups: [] });
    graph.addMember('oncall', 'bob'); // bob activates oncall after his token was issued
    await state.syncOnce();
    assert.deepEqual(await state.check({ oid: 'bob', iat: iat() }), { ok: true, groups: ['oncall'] });
    graph.removeMember('oncall', 'bob'); // the activation ends
    await state.syncOnce();
    assert.deepEqual(
      await state.check({ oid: 'bob', iat: iat() }),
      { ok: true, groups: [] },
      'gone within one round',
    );
  });

  it('grants only groups the access file names: not the groups nested under them, not others', async () => {
    // ops is in scope (nested under oncall) but not named: only a token that says it keeps it.
    assert.deepEqual(await state.check({ oid: 'alice', iat: iat(), groups: ['ops'] }), {
      ok: true,
      groups: ['ops', 'oncall'],
    });
    assert.deepEqual(
      await state.check({ oid: 'carol', iat: iat() }),
      { ok: true, groups: [] },
      'finance is not named',
    );
  });

  it('never on the strength of the token: claimed groups the user is not in are dropped, another user adds nothing', async () => {
    const claimsAll = { oid: 'bob', iat: iat(), groups: ['oncall', 'ops', 'finance'], upn: 'alice' };
    assert.deepEqual(await state.check(claimsAll), { ok: true, groups: [] });
    // Membership is looked up by the verified token's oid alone: alice's memberships never reach bob.
    assert.deepEqual(
      await state.check({ oid: 'bob', iat: iat(), sub: 'alice', preferred_username: 'alice' }),
      {
        ok: true,
        groups: [],
      },
    );
  });
});
