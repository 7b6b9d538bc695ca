import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultClaimMappings, identify } from '../../../../src/domain/audit/claim-mappings.js';
import { defaultJoinOptions, heuristicWeights, joinSignIn } from '../../../../src/domain/audit/join.js';
import { bobOid, signIn, signInIndex } from './fixtures.js';

const at = (iso: string) => Date.parse(iso);

const indexOf = signInIndex;

describe('exact join by uti and sid', () => {
  const index = indexOf(
    signIn({
      id: 'one',
      uniqueTokenIdentifier: 'uti-A',
      sessionId: 'sid-1',
      createdDateTime: '2026-11-29T04:00:00Z',
    }),
    signIn({
      id: 'two',
      uniqueTokenIdentifier: 'uti-B',
      sessionId: 'sid-1',
      createdDateTime: '2026-11-29T05:00:00Z',
    }),
    signIn({
      id: 'three',
      uniqueTokenIdentifier: 'uti-C',
      sessionId: 'sid-2',
      createdDateTime: '2026-11-29T05:30:00Z',
    }),
  );

  it('joins to the sign-in with the same uniqueTokenIdentifier, whatever the time and IP', () => {
    // Three hours after the sign-in and from another address: the token id decides, not the clock.
    const result = joinSignIn(
      { uti: 'uti-A', oid: bobOid },
      at('2026-11-29T07:00:00Z'),
      '10.9.9.9',
      index,
      defaultJoinOptions,
    );
    assert.equal(result.method, 'uti');
    assert.equal(result.confidence, 1);
    assert.equal(result.signIn?.signIn.id, 'one');
  });

  it('ignores base64 padding on either side', () => {
    const padded = indexOf(signIn({ id: 'p', uniqueTokenIdentifier: 'dXRpLXBhZA==' }));
    assert.equal(
      joinSignIn({ uti: 'dXRpLXBhZA' }, 0, undefined, padded, defaultJoinOptions).signIn?.signIn.id,
      'p',
    );
    assert.equal(joinSignIn({ uti: 'dXRpLXBhZA=' }, 0, undefined, padded, defaultJoinOptions).method, 'uti');
  });

  it('joins by session to the latest sign-in of that session before the request', () => {
    const result = joinSignIn(
      { sid: 'sid-1' },
      at('2026-11-29T05:10:00Z'),
      undefined,
      index,
      defaultJoinOptions,
    );
    assert.equal(result.method, 'sid');
    assert.equal(result.confidence, 1);
    assert.equal(result.signIn?.signIn.id, 'two');
    const earlier = joinSignIn(
      { sid: 'sid-1' },
      at('2026-11-29T04:30:00Z'),
      undefined,
      index,
      defaultJoinOptions,
    );
    assert.equal(earlier.signIn?.signIn.id, 'one');
  });

  it('falls back to the session when the token is not in the log, and says why', () => {
    const result = joinSignIn(
      { uti: 'uti-missing', sid: 'sid-2' },
      at('2026-11-29T06:00:00Z'),
      undefined,
      index,
      defaultJoinOptions,
    );
    assert.equal(result.method, 'sid');
    assert.equal(result.signIn?.signIn.id, 'three');
    assert.equal(result.note, 'token uti not found in the sign-in log');
  });

  it('never joins to a failed sign-in (it issued no token)', () => {
    const failed = indexOf(signIn({ uniqueTokenIdentifier: 'uti-F', status: { errorCode: 50126 } }));
    assert.equal(failed.size, 0);
    assert.equal(joinSignIn({ uti: 'uti-F' }, 0, undefined, failed, defaultJoinOptions).method, 'none');
  });
});

describe('heuristic join by oid, time window, IP and app', () => {
  const request = at('2026-11-29T04:30:00Z');

  it('scores identity + closeness + IP + app and reports the evidence', () => {
    const index = indexOf(signIn({ uniqueTokenIdentifier: 'u1', createdDateTime: '2026-11-29T04:00:00Z' }));
    const options = { ...defaultJoinOptions, appIds: ['aaaaaaaa-0000-4000-8000-00000000c1d0'] };
    const result = joinSignIn({ oid: bobOid }, request, '203.0.113.7', index, options);
    assert.equal(result.method, 'heuristic');
    // 30 of 90 minutes into the window: closeness 2/3.
    const expected =
      heuristicWeights.identity +
      heuristicWeights.time * (2 / 3) +
      heuristicWeights.ip +
      heuristicWeights.app;
    assert.equal(result.confidence, Math.round(expected * 100) / 100);
    assert.equal(result.confidence, 0.93);
    assert.deepEqual(result.evidence, {
      matchedBy: 'oid',
      minutesAfterSignIn: 30,
      ipMatch: true,
      appMatch: true,
      candidates: 1,
      alike: 1,
    });
  });

  it('trusts a sign-in from another IP and app less', () => {
    const index = indexOf(
      signIn({ createdDateTime: '2026-11-29T04:29:00Z', ipAddress: '192.0.2.1', appId: 'other' }),
    );
    const result = joinSignIn({ oid: bobOid }, request, '203.0.113.7', index, {
      ...defaultJoinOptions,
      appIds: ['aaaaaaaa-0000-4000-8000-00000000c1d0'],
    });
    assert.equal(result.evidence?.ipMatch, false);
    assert.equal(result.evidence?.appMatch, false);
    assert.ok(result.confidence < 0.61 && result.confidence > 0.59, String(result.confidence));
  });

  it('picks the most recent sign-in in the window and ignores ones outside it', () => {
    const index = indexOf(
      signIn({ id: 'too-old', createdDateTime: '2026-11-29T02:00:00Z' }),
      signIn({ id: 'older', createdDateTime: '2026-11-29T03:40:00Z' }),
      signIn({ id: 'recent', createdDateTime: '2026-11-29T04:20:00Z' }),
      signIn({ id: 'much-later', createdDateTime: '2026-11-29T05:00:00Z' }),
    );
    const result = joinSignIn({ oid: bobOid }, request, '203.0.113.7', index, defaultJoinOptions);
    assert.equal(result.signIn?.signIn.id, 'recent');
    assert.equal(result.evidence?.candidates, 2);
  });

  it('lowers the confidence when several sign-ins are equally likely', () => {
    const index = indexOf(
      signIn({ id: 'a', createdDateTime: '2026-11-29T04:28:00Z', ipAddress: '203.0.113.7' }),
      signIn({ id: 'b', createdDateTime: '2026-11-29T04:29:00Z', ipAddress: '203.0.113.7' }),
    );
    const single = joinSignIn(
      { oid: bobOid },
      request,
      '203.0.113.7',
      indexOf(signIn({ createdDateTime: '2026-11-29T04:29:00Z' })),
      defaultJoinOptions,
    );
    const ambiguous = joinSignIn({ oid: bobOid }, request, '203.0.113.7', index, defaultJoinOptions);
    assert.equal(ambiguous.evidence?.alike, 2);
    assert.equal(ambiguous.signIn?.signIn.id, 'b');
    assert.equal(ambiguous.confidence, Math.round((single.confidence / 2) * 100) / 100);
  });

  it('is never as certain as an exact join', () => {
    const index = indexOf(signIn({ createdDateTime: '2026-11-29T04:30:00Z' }));
    const result = joinSignIn({ oid: bobOid }, request, '203.0.113.7', index, {
      ...defaultJoinOptions,
      appIds: ['aaaaaaaa-0000-4000-8000-00000000c1d0'],
    });
    assert.equal(result.confidence, heuristicWeights.cap);
  });

  it('finds users by UPN when the cluster uses UPN usernames', () => {
    const index = indexOf(signIn({ createdDateTime: '2026-11-29T04:25:00Z' }));
    const identity = identify(
      { username: 'Bob@Contoso.example' },
      { ...defaultClaimMappings, usernamePrefix: '' },
    );
    const result = joinSignIn(identity, request, undefined, index, defaultJoinOptions);
    assert.equal(result.method, 'heuristic');
    assert.equal(result.evidence?.matchedBy, 'upn');
    assert.equal(result.evidence?.ipMatch, null);
    assert.equal(result.note, 'no uti/sid in the audit event: heuristic join');
  });

  it('does not join users it cannot tie to Entra', () => {
    const index = indexOf(signIn());
    const identity = identify({ username: 'system:serviceaccount:team-a:builder' }, defaultClaimMappings);
    assert.deepEqual(identity, {});
    assert.deepEqual(joinSignIn(identity, request, undefined, index, defaultJoinOptions), {
      method: 'none',
      confidence: 0,
    });
  });
});

describe('identify', () => {
  it('reads uti/sid from the configured extra keys and the oid from the prefixed username', () => {
    const identity = identify(
      {
        username: `entra:${bobOid.toUpperCase()}`,
        extra: { 'kentra.dev/uti': ['U'], 'kentra.dev/sid': ['S'] },
      },
      defaultClaimMappings,
    );
    assert.deepEqual(identity, { uti: 'U', sid: 'S', oid: bobOid });
  });

  it('honours other extra keys and the AKS Guard "oid" extra', () => {
    const mappings = { ...defaultClaimMappings, utiExtraKey: 'example.com/uti', usernamePrefix: 'aad:' };
    assert.equal(identify({ username: 'x', extra: { 'example.com/uti': ['U2'] } }, mappings).uti, 'U2');
    assert.equal(
      identify({ username: 'bob@contoso.example', extra: { oid: [bobOid] } }, mappings).oid,
      bobOid,
    );
  });
});
