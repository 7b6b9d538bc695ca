import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockListOf, livePolicy } from '../../../src/webhook/policy.js';

describe('live policy', () => {
  const now = Date.parse('2026-11-29T05:00:00Z');
  const iat = now / 1000;

  it('refuses tokens older than the maximum age, by the clock', () => {
    const policy = livePolicy({ maxTokenAgeSeconds: 3600, allowedNetworks: [] });
    assert.deepEqual(policy({ iat: iat - 3599 }, now), { ok: true });
    assert.deepEqual(policy({ iat: iat - 3601 }, now), { ok: false, reason: 'token_too_old' });
    assert.deepEqual(
      policy({}, now),
      { ok: false, reason: 'token_too_old' },
      'no iat: unknown age is too old',
    );
  });

  it('checks ipaddr against the allowed networks', () => {
    const policy = livePolicy({
      maxTokenAgeSeconds: undefined,
      allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'],
    });
    assert.deepEqual(policy({ ipaddr: '10.1.2.3' }, now), { ok: true });
    assert.deepEqual(policy({ ipaddr: '2001:db8::1' }, now), { ok: true });
    assert.deepEqual(policy({ ipaddr: '192.168.1.1' }, now), {
      ok: false,
      reason: 'source_network_not_allowed',
    });
    assert.deepEqual(policy({ ipaddr: 'not-an-ip' }, now), {
      ok: false,
      reason: 'source_network_not_allowed',
    });
    assert.deepEqual(policy({}, now), { ok: false, reason: 'source_network_unknown' });
  });

  it('names a bad CIDR', () => {
    assert.throws(() => blockListOf(['10.0.0.0/40']), /"10\.0\.0\.0\/40" is not an IPv4 or IPv6 CIDR range/);
    assert.throws(() => blockListOf(['example.com/8']), /is not an IPv4 or IPv6/);
  });
});
