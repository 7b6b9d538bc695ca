import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aadstsCode, signInError } from '../../../../src/adapters/entra/sign-in-errors.js';
import { KentraError } from '../../../../src/errors.js';

const context = { clientId: 'app-1', tenant: 'contoso' };
/** What msal-node's ServerError message looks like: "code: AADSTSnnnn: text\r\nTrace ID: ...". */
const entra = (code: number, text: string) =>
  Object.assign(
    new Error(`invalid_grant: AADSTS${code}: ${text}\r\nTrace ID: 00000000\r\nCorrelation ID: 1`),
    {
      errorCode: 'invalid_grant',
    },
  );

describe('Entra errors become hints', () => {
  it('finds the AADSTS number', () => {
    assert.equal(aadstsCode('x AADSTS50105: y'), 50105);
    assert.equal(aadstsCode('no number'), undefined);
  });

  it('names the group to request when the user is not assigned (50105)', () => {
    const error = signInError(entra(50105, 'not assigned'), { ...context, accessGroup: 'k8s-developers' });
    assert.equal(error.code, 'auth.failed');
    assert.match(error.message, /not assigned .*AADSTS50105/);
    assert.match(error.hint ?? '', /"k8s-developers"/);
    assert.match(signInError(entra(50105, 'x'), context).hint ?? '', /app-1 requires assignment/);
  });

  it('explains a Conditional Access block, a disabled account and a wrong tenant', () => {
    assert.match(signInError(entra(53003, 'blocked'), context).hint ?? '', /Conditional Access tab/);
    assert.match(signInError(entra(50057, 'disabled'), context).message, /disabled/);
    assert.match(signInError(entra(50020, 'x'), context).hint ?? '', /tenant contoso/);
    assert.match(signInError(entra(90002, 'x'), context).hint ?? '', /--tenant \(contoso\)/);
  });

  it('marks MFA and revoked sessions as needing interaction', () => {
    assert.equal(signInError(entra(50076, 'mfa'), context).code, 'auth.interaction_required');
    assert.equal(signInError(entra(50173, 'revoked'), context).code, 'auth.interaction_required');
  });

  it('keeps only the first line of an unknown AADSTS error and links the lookup page', () => {
    const error = signInError(entra(123456, 'something new'), context);
    assert.equal(error.message, 'sign-in failed: AADSTS123456: something new');
    assert.match(error.hint ?? '', /code=123456/);
    assert.doesNotMatch(error.message, /Trace ID/);
  });

  it('names the real network cause that MSAL hides, and the CA flag for TLS failures', () => {
    const msal = Object.assign(new Error('endpoints_resolution_error: See https://aka.ms/msal.js.errors'), {
      errorCode: 'endpoints_resolution_error',
    });
    const refused = signInError(msal, {
      ...context,
      networkFailure: {
        url: new URL('https://idp.example:8443/t/v2.0'),
        error: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
      },
    });
    assert.equal(refused.code, 'net.unreachable');
    assert.equal(refused.message, 'cannot reach the authority https://idp.example:8443 (ECONNREFUSED)');
    const untrusted = signInError(msal, {
      ...context,
      networkFailure: {
        url: new URL('https://idp.example'),
        error: Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      },
    });
    assert.match(untrusted.hint ?? '', /--certificate-authority FILE/);
  });

  it('passes a KentraError through unchanged', () => {
    const original = new KentraError('auth.timeout', 'late');
    assert.equal(signInError(original, context), original);
  });
});
