import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnv1a128 } from '../../../../src/adapters/token-cache/fnv.js';
import { type CacheKey, cacheKey, cacheKeyId } from '../../../../src/adapters/token-cache/key.js';

const base: CacheKey = {
  authority: 'https://login.microsoftonline.com',
  tenant: 'contoso',
  clientId: 'app',
  scopes: [],
  tokenType: 'id',
  account: '',
};

describe('token cache key', () => {
  it('matches the FNV-1a 128 reference values', () => {
    // Test vectors of draft-eastlake-fnv (FNV-1a 128).
    assert.equal(fnv1a128(''), '6c62272e07bb014262b821756295c58d');
    assert.equal(fnv1a128('a'), 'd228cb696f1a8caf78912b704e4a8964');
    assert.equal(fnv1a128('foobar'), '343e1662793c64bf6f0d3597ba446f18');
  });

  it('normalises case, trailing slashes and scope order, so equal settings share an entry', () => {
    const a = cacheKey({ ...base, authority: 'https://LOGIN.microsoftonline.com/', scopes: ['b', 'a', 'b'] });
    const b = cacheKey({ ...base, scopes: ['a', 'b'] });
    assert.deepEqual(a, b);
    assert.equal(cacheKeyId(a), cacheKeyId(b));
    assert.match(cacheKeyId(a), /^[0-9a-f]{32}$/);
  });

  it('gives every account, tenant, client, scope set, token type and authority its own entry', () => {
    const variants: CacheKey[] = [
      base,
      { ...base, account: 'alice@contoso.com' },
      { ...base, account: 'bob@contoso.com' },
      { ...base, tenant: 'fabrikam' },
      { ...base, clientId: 'other-app' },
      { ...base, scopes: ['api://x/.default'] },
      { ...base, tokenType: 'access' },
      { ...base, authority: 'https://127.0.0.1:8443' },
      { ...base, account: 'app' },
    ];
    const ids = new Set(variants.map((key) => cacheKeyId(cacheKey(key))));
    assert.equal(ids.size, variants.length);
  });
});
