import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionError, evaluate, toCel, x } from '../../../../src/domain/identity/expr.js';

describe('claim expressions', () => {
  it('render as CEL with only the parentheses precedence needs', () => {
    assert.equal(
      toCel(x.and(x.has('tid'), x.eq(x.claim('tid'), x.lit('t')))),
      'has(claims.tid) && claims.tid == "t"',
    );
    assert.equal(
      toCel(x.and(x.or(x.has('a'), x.has('b')), x.not(x.has('c')))),
      '(has(claims.a) || has(claims.b)) && !has(claims.c)',
    );
    assert.equal(toCel(x.not(x.eq(x.claim('a'), x.lit(1)))), '!(claims.a == 1)');
    assert.equal(
      toCel(x.le(x.sub(x.claim('exp'), x.claim('iat')), x.lit(60))),
      'claims.exp - claims.iat <= 60',
    );
    assert.equal(toCel(x.prefixAll(x.claim('groups'), 'p:')), 'dyn(claims.groups).map(v, "p:" + v)');
  });

  it('quote literals and odd claim names safely', () => {
    assert.equal(toCel(x.lit('say "hi"\n')), '"say \\"hi\\"\\n"');
    assert.equal(toCel(x.claim('odd-name')), 'claims["odd-name"]');
    assert.equal(toCel(x.has('odd-name')), '"odd-name" in claims');
  });

  it('evaluate with CEL semantics: a missing claim is an error, has() tests presence', () => {
    assert.throws(() => evaluate(x.claim('oid'), {}), ExpressionError);
    assert.equal(evaluate(x.has('oid'), {}), false);
    assert.throws(() => evaluate(x.concat(x.lit('p:'), x.claim('n')), { n: 5 }), /not a string/);
    assert.equal(evaluate(x.str(x.claim('acct')), { acct: 1 }), '1');
  });

  it('let && and || absorb an error when another term decides, as CEL does', () => {
    assert.equal(evaluate(x.or(x.claim('missing'), x.lit(true)), {}), true);
    assert.equal(evaluate(x.and(x.claim('missing'), x.lit(false)), {}), false);
    assert.throws(() => evaluate(x.and(x.claim('missing'), x.lit(true)), {}), ExpressionError);
  });
});
