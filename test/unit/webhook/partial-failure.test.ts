/**
 * The black-box partial failure of issue #13: a token was allowed; the user is
 * disabled in Entra; the next delta round applies `users/delta` but
 * `groups/delta` fails past the retry budget; Graph recovers. The token must be
 * denied from the moment the disabled account was applied — not only after a
 * whole round succeeds, and never "never" (a later quiet round changes nothing,
 * so a state version that moved only on complete rounds stayed put and the
 * remembered "allowed" answer kept being served).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntraState } from '../../../src/webhook/entra-state.js';
import { silentLog } from '../../../src/webhook/log.js';
import { WebhookMetrics } from '../../../src/webhook/metrics.js';
import { ResultCache } from '../../../src/webhook/result-cache.js';
import { ReviewPipeline, type VerifiedToken } from '../../../src/webhook/review.js';
import type { EntraClaims } from '../../../src/webhook/token-validator.js';
import { FakeGraph } from './fake-graph.js';

describe('a delta round that fails half-way', () => {
  it('denies a previously allowed token as soon as users/delta disabled its user', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const graph = new FakeGraph();
    graph.addUser('alice');
    graph.addGroup('ops', ['alice']);
    const state = new EntraState({
      graph,
      now: () => clock,
      pollIntervalMs: 1000,
      maxStalenessMs: 60_000,
      log: silentLog,
    });
    await state.syncOnce();
    const claims = {
      oid: 'alice',
      tid: 't',
      iat: Math.floor(clock / 1000) - 10,
      exp: Math.floor(clock / 1000) + 3600,
      groups: ['ops'],
    } as unknown as EntraClaims;
    const pipeline = new ReviewPipeline({
      validator: { validate: async () => ({ ok: true, claims, issuerVersion: 'v2' }) },
      live: state,
      mapClaims: (mapped) => ({
        ok: true,
        user: { username: `entra:${String(mapped.oid)}`, groups: mapped.groups as string[], extra: {} },
      }),
      policy: () => ({ ok: true }),
      cache: new ResultCache<VerifiedToken>({ ttlMs: 3_600_000, maxEntries: 10, now: () => clock }),
      now: () => clock,
      log: silentLog,
      metrics: new WebhookMetrics(),
    });
    assert.equal((await pipeline.review('alice-token')).authenticated, true, 'allowed before');

    graph.disable('alice');
    graph.failOn('/groups/delta', 503, 10);
    clock += 1000;
    await assert.rejects(state.syncOnce(), 'groups/delta fails past the retry budget');
    assert.deepEqual(
      await pipeline.review('alice-token'),
      { authenticated: false, stage: 'live', reason: 'account_disabled' },
      'what users/delta applied is visible at once, although the round failed',
    );

    graph.clearFaults();
    clock += 1000;
    await state.syncOnce();
    assert.deepEqual(
      await pipeline.review('alice-token'),
      { authenticated: false, stage: 'live', reason: 'account_disabled' },
      'and it stays denied once Graph recovers',
    );
  });
});
