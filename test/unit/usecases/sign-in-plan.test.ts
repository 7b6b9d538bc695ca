import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KentraError } from '../../../src/errors.js';
import { cacheKeyFor } from '../../../src/usecases/cache-key.js';
import {
  chooseFlow,
  type SignInSettings,
  type Surroundings,
  scopesFor,
} from '../../../src/usecases/sign-in-plan.js';

const settings: SignInSettings = {
  authorityHost: 'https://login.microsoftonline.com',
  tenant: 'contoso',
  clientId: 'app-id',
  tokenType: 'id',
  scopes: [],
  grantType: 'auto',
};
const desktop: Surroundings = {
  browserAvailable: true,
  browserCommandGiven: false,
  clientSecret: false,
  federatedTokenFile: false,
};

describe('choosing the sign-in flow', () => {
  it('uses the browser where one can open, device code where none can', () => {
    assert.equal(chooseFlow(settings, desktop), 'authcode');
    assert.equal(chooseFlow(settings, { ...desktop, browserAvailable: false }), 'device-code');
    assert.equal(
      chooseFlow(settings, { ...desktop, browserAvailable: false, browserCommandGiven: true }),
      'authcode',
    );
  });

  it('prefers workload identity, then a client secret, in CI', () => {
    assert.equal(
      chooseFlow(settings, { ...desktop, federatedTokenFile: true, clientSecret: true }),
      'workload-identity',
    );
    assert.equal(chooseFlow(settings, { ...desktop, clientSecret: true }), 'client-credentials');
  });

  it('follows an explicit --grant-type', () => {
    assert.equal(chooseFlow({ ...settings, grantType: 'device-code' }, desktop), 'device-code');
    assert.equal(
      chooseFlow({ ...settings, grantType: 'authcode' }, { ...desktop, browserAvailable: false }),
      'authcode',
    );
  });
});

describe('scopes and cache keys', () => {
  it('requests only the OIDC scopes MSAL adds itself for an ID token', () => {
    assert.deepEqual(scopesFor(settings, 'authcode'), []);
    assert.deepEqual(scopesFor({ ...settings, scopes: ['openid', 'User.Read'] }, 'authcode'), ['User.Read']);
  });

  it('defaults an access token to <client>/.default', () => {
    assert.deepEqual(scopesFor({ ...settings, tokenType: 'access' }, 'authcode'), ['app-id/.default']);
    assert.deepEqual(
      scopesFor({ ...settings, tokenType: 'access', scopes: ['api://x/.default'] }, 'client-credentials'),
      ['api://x/.default'],
    );
  });

  it('refuses an ID token from an app-only flow, with a hint', () => {
    assert.throws(
      () => scopesFor(settings, 'workload-identity'),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'usage' &&
        /--token-type access/.test(error.hint ?? ''),
    );
  });

  it('shares the user entry between browser and device code, and keys accounts and apps apart', () => {
    assert.deepEqual(cacheKeyFor(settings, 'authcode'), cacheKeyFor(settings, 'device-code'));
    assert.equal(
      cacheKeyFor({ ...settings, loginHint: 'Alice@Contoso.com' }, 'authcode').account,
      'alice@contoso.com',
    );
    assert.equal(cacheKeyFor({ ...settings, tokenType: 'access' }, 'client-credentials').account, 'app');
  });
});
