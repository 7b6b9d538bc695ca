import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, signedOutPage } from '../../../src/portal/pages.js';
import {
  cookie,
  parseCookies,
  SessionStore,
  sameToken,
  sessionCookieName,
} from '../../../src/portal/sessions.js';

describe('portal sessions', () => {
  it('issues __Host- cookies that are Secure, HttpOnly and SameSite=Lax, with no Domain', () => {
    const text = cookie(sessionCookieName, 'abc', 3600);
    assert.equal(text, '__Host-kentra-session=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600');
    assert.deepEqual(
      [...parseCookies('a=1; __Host-kentra-session=abc; a=2')],
      [
        ['a', '1'],
        ['__Host-kentra-session', 'abc'],
      ],
    );
  });

  it('ends sessions at their lifetime and lets a sign-in callback be used once', () => {
    let now = 0;
    const store = new SessionStore(() => now, 1000);
    const session = store.create({ oid: 'o', upn: 'u', name: 'n' }, { msalCache: 'c', homeAccountId: 'h' });
    assert.equal(store.get(session.id), session);
    assert.notEqual(session.csrf, session.id);
    now = 1000;
    assert.equal(store.get(session.id), undefined);
    store.beginLogin({ state: 's', nonce: 'n', verifier: 'v' });
    assert.equal(store.takeLogin('s')?.verifier, 'v');
    assert.equal(store.takeLogin('s'), undefined, 'a replayed callback finds nothing');
  });

  it('compares tokens in constant time and refuses missing ones', () => {
    assert.equal(sameToken('abc', 'abc'), true);
    assert.equal(sameToken('abc', 'abd'), false);
    assert.equal(sameToken('abc', 'ab'), false);
    assert.equal(sameToken(undefined, 'abc'), false);
  });

  it('escapes every value it renders', () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
    const page = signedOutPage('<script>alert(1)</script>');
    assert.doesNotMatch(page, /<script>/);
    assert.match(page, /&#60;script&#62;/);
  });
});
