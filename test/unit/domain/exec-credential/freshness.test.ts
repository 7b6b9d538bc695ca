import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFresh, refreshMarginMs, usableUntil } from '../../../../src/domain/exec-credential/freshness.js';

const t0 = Date.UTC(2030, 0, 1);
const minute = 60_000;

describe('token freshness', () => {
  it('stops using a 75-minute Entra token five minutes before exp', () => {
    const token = { obtainedAt: t0, expiresAt: t0 + 75 * minute };
    assert.equal(refreshMarginMs(token), 5 * minute);
    assert.equal(usableUntil(token), t0 + 70 * minute);
    assert.equal(isFresh(token, t0 + 70 * minute - 1), true);
    assert.equal(isFresh(token, t0 + 70 * minute), false);
  });

  it('caps the margin at a quarter of a short lifetime so short tokens are still cached', () => {
    const token = { obtainedAt: t0, expiresAt: t0 + 2 * minute };
    assert.equal(refreshMarginMs(token), 30_000);
    assert.equal(isFresh(token, t0 + 89_000), true);
    assert.equal(isFresh(token, t0 + 90_000), false);
  });

  it('honours a smaller configured margin', () => {
    assert.equal(refreshMarginMs({ obtainedAt: t0, expiresAt: t0 + 60 * minute }, 10_000), 10_000);
  });

  it('distrusts a token when the clock was turned back before it was obtained', () => {
    const token = { obtainedAt: t0, expiresAt: t0 + 60 * minute };
    assert.equal(isFresh(token, t0 - 5 * minute), true);
    assert.equal(isFresh(token, t0 - 5 * minute - 1), false);
  });

  it('treats an already expired token as stale', () => {
    assert.equal(isFresh({ obtainedAt: t0, expiresAt: t0 - 1 }, t0), false);
  });
});
