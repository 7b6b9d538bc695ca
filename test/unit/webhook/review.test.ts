import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLog } from '../../../src/webhook/log.js';
import { WebhookMetrics } from '../../../src/webhook/metrics.js';
import { ResultCache } from '../../../src/webhook/result-cache.js';
import { ReviewPipeline, type VerifiedToken } from '../../../src/webhook/review.js';
import type { EntraClaims } from '../../../src/webhook/token-validator.js';

describe('ReviewPipeline without live Entra state', () => {
  function pipeline(policyOk: () => boolean) {
    const calls = { validate: 0, map: 0, policy: 0 };
    const now = Date.now();
    const claims = { oid: 'o1', tid: 't1', exp: Math.floor(now / 1000) + 3600 } as unknown as EntraClaims;
    const review = new ReviewPipeline({
      validator: {
        validate: async () => {
          calls.validate++;
          return { ok: true, claims } as Awaited<ReturnType<ReviewPipeline['deps']['validator']['validate']>>;
        },
      },
      live: undefined,
      mapClaims: (mapped) => {
        calls.map++;
        return { ok: true, user: { username: `entra:${String(mapped.oid)}`, groups: [], extra: {} } };
      },
      policy: () => {
        calls.policy++;
        return policyOk() ? { ok: true } : { ok: false, reason: 'token_too_old' };
      },
      cache: new ResultCache<VerifiedToken>({ ttlMs: 60_000, maxEntries: 10, now: () => now }),
      now: () => now,
      log: silentLog,
      metrics: new WebhookMetrics(),
    });
    return { review, calls };
  }

  it('validates and maps a repeated token once, and still applies the policy every time', async () => {
    const { review, calls } = pipeline(() => true);
    for (let i = 0; i < 3; i++) {
      const outcome = await review.review('same-token');
      assert.deepEqual(outcome, {
        authenticated: true,
        user: { username: 'entra:o1', groups: [], extra: {} },
      });
    }
    assert.deepEqual(calls, { validate: 1, map: 1, policy: 3 });
  });

  it('denies a remembered token as soon as the policy says no', async () => {
    let ok = true;
    const { review } = pipeline(() => ok);
    assert.equal((await review.review('t')).authenticated, true);
    ok = false;
    assert.deepEqual(await review.review('t'), {
      authenticated: false,
      stage: 'policy',
      reason: 'token_too_old',
    });
  });
});
