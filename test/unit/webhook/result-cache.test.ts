import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ResultCache, tokenKey } from '../../../src/webhook/result-cache.js';

describe('ResultCache', () => {
  it('keys by the SHA-256 of the token, never the token', () => {
    const token = 'header.payload.signature';
    const key = tokenKey(token);
    assert.equal(key, createHash('sha256').update(token).digest('base64url'));
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!key.includes('payload'));
    assert.notEqual(tokenKey(`${token}x`), key);
  });

  it('never keeps an entry past the token expiry or the TTL', () => {
    let now = 1_000_000;
    const cache = new ResultCache<string>({ ttlMs: 60_000, maxEntries: 10, now: () => now });
    cache.set('expires-soon', 'a', now + 5_000);
    cache.set('long-lived', 'b', now + 3_600_000);
    cache.set('already-expired', 'c', now - 1);
    assert.equal(cache.get('already-expired'), undefined);
    now += 5_000;
    assert.equal(cache.get('expires-soon'), undefined, 'bounded by exp');
    assert.equal(cache.get('long-lived'), 'b');
    now += 55_000;
    assert.equal(cache.get('long-lived'), undefined, 'bounded by the TTL');
    assert.equal(cache.hits, 1);
  });

  it('evicts the oldest entry at the size bound', () => {
    const cache = new ResultCache<number>({ ttlMs: 60_000, maxEntries: 3, now: () => 0 });
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 60_000);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('k0'), undefined);
    assert.equal(cache.get('k1'), undefined);
    assert.equal(cache.get('k4'), 4);
  });
});
