import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectationProblems } from '../../../../src/domain/exec-credential/expectations.js';

/** A JWT-shaped string built at test time (the signature part is irrelevant here). */
const token = (claims: Record<string, unknown>) => {
  const [header, payload] = ['{"alg":"RS256"}', JSON.stringify(claims)].map((part) =>
    Buffer.from(part).toString('base64url'),
  );
  return `${header}.${payload}.sig`;
};

const tid = '00000000-0000-0000-0000-0000000000aa';
const v2 = `https://login.microsoftonline.com/${tid}/v2.0`;
const v1 = `https://sts.windows.net/${tid}/`;

describe('what the cluster will reject, explained', () => {
  it('says nothing when the token matches or nothing is expected', () => {
    assert.deepEqual(
      expectationProblems(token({ iss: v2, aud: 'app' }), { issuer: v2, audience: 'app' }),
      [],
    );
    assert.deepEqual(expectationProblems('not-a-jwt', {}), []);
  });

  it('explains a v1 token where the cluster trusts the v2 issuer, and the reverse', () => {
    const [v1Problem] = expectationProblems(token({ iss: v1, aud: 'app' }), { issuer: v2 });
    assert.match(
      v1Problem ?? '',
      /issuer is https:\/\/sts\.windows\.net\/.* but the cluster expects .*\/v2\.0\. This is a v1 token: set the API app's requestedAccessTokenVersion/,
    );
    const [v2Problem] = expectationProblems(token({ iss: v2 }), { issuer: v1 });
    assert.match(v2Problem ?? '', /configure the cluster with the v2 issuer/);
  });

  it('explains an audience spelled another way, and a token for another app', () => {
    const [spelling] = expectationProblems(token({ iss: v2, aud: 'api://app-guid' }), {
      audience: 'app-guid',
    });
    assert.match(
      spelling ?? '',
      /audience is api:\/\/app-guid but the cluster expects app-guid\. Same app, other spelling/,
    );
    const [other] = expectationProblems(token({ aud: ['00000003-0000-0000-c000-000000000000'] }), {
      audience: 'app-guid',
    });
    assert.match(other ?? '', /Request a token for the cluster's app/);
  });

  it('reports a token that is not a JWT when the cluster expects one', () => {
    assert.deepEqual(expectationProblems('opaque', { issuer: v2 }), [
      'the token is not a JWT, so the cluster cannot validate it',
    ]);
  });
});
