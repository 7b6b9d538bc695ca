import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KentraError } from '../../../src/errors.js';
import { cacheKeyFor } from '../../../src/usecases/cache-key.js';
import {
  chooseFlow,
  loginChoiceOf,
  loginModes,
  retryAfterRefusal,
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
  login: 'auto',
};
const desktop: Surroundings = {
  browserAvailable: true,
  browserCommandGiven: false,
  clientSecret: false,
  federatedTokenFile: false,
};

describe('choosing the login mode', () => {
  it('uses the browser where one can open, device code where none can', () => {
    assert.equal(chooseFlow(settings, desktop), 'browser');
    assert.equal(chooseFlow(settings, { ...desktop, browserAvailable: false }), 'devicecode');
    assert.equal(
      chooseFlow(settings, { ...desktop, browserAvailable: false, browserCommandGiven: true }),
      'browser',
    );
  });

  it('prefers workload identity, then a client secret, in CI', () => {
    assert.equal(
      chooseFlow(settings, { ...desktop, federatedTokenFile: true, clientSecret: true }),
      'workloadidentity',
    );
    assert.equal(chooseFlow(settings, { ...desktop, clientSecret: true }), 'spn');
  });

  it('follows an explicit --login whatever the surroundings', () => {
    for (const login of loginModes)
      assert.equal(
        chooseFlow({ ...settings, login }, { ...desktop, browserAvailable: false, clientSecret: true }),
        login,
      );
  });

  it('reads kubelogin names, --grant-type’s older values and nothing inherited', () => {
    assert.equal(loginChoiceOf('azurecli'), 'azurecli');
    assert.equal(loginChoiceOf('MSI'), 'msi');
    assert.equal(loginChoiceOf('interactive'), 'browser');
    assert.equal(loginChoiceOf('authcode'), 'browser');
    assert.equal(loginChoiceOf('device-code'), 'devicecode');
    assert.equal(loginChoiceOf('client-credentials'), 'spn');
    assert.equal(loginChoiceOf('workload-identity'), 'workloadidentity');
    assert.equal(loginChoiceOf('auto'), 'auto');
    assert.equal(loginChoiceOf('ropc'), undefined);
    assert.equal(loginChoiceOf('constructor'), undefined);
  });
});

describe('the one retry after a refused sign-in', () => {
  const person = { interactive: true, browser: true };
  it('retries device code refused by Conditional Access in the browser, when a person and a browser are there', () => {
    assert.equal(retryAfterRefusal('devicecode', 'browser', person), 'browser');
    assert.equal(retryAfterRefusal('devicecode', 'browser', { ...person, interactive: false }), undefined);
    assert.equal(retryAfterRefusal('devicecode', 'browser', { ...person, browser: false }), undefined);
  });

  it('never retries the browser itself, another refusal, or an app', () => {
    assert.equal(retryAfterRefusal('browser', 'browser', person), undefined, 'no loop');
    assert.equal(retryAfterRefusal('devicecode', undefined, person), undefined);
    assert.equal(retryAfterRefusal('devicecode', 'fresh-sign-in', person), undefined);
    assert.equal(retryAfterRefusal('azurecli', 'interactive', person), undefined);
    assert.equal(retryAfterRefusal('spn', 'browser', person), undefined);
  });
});

describe('scopes and cache keys', () => {
  it('requests only the OIDC scopes MSAL adds itself for an ID token', () => {
    assert.deepEqual(scopesFor(settings, 'browser'), []);
    assert.deepEqual(scopesFor({ ...settings, scopes: ['openid', 'User.Read'] }, 'browser'), ['User.Read']);
  });

  it('defaults an access token to <client>/.default', () => {
    assert.deepEqual(scopesFor({ ...settings, tokenType: 'access' }, 'browser'), ['app-id/.default']);
    assert.deepEqual(scopesFor({ ...settings, tokenType: 'access', scopes: ['api://x/.default'] }, 'spn'), [
      'api://x/.default',
    ]);
    for (const flow of ['azurecli', 'msi', 'workloadidentity', 'spn'] as const)
      assert.deepEqual(scopesFor({ ...settings, tokenType: 'access' }, flow), ['app-id/.default']);
  });

  it('refuses an ID token from a mode that yields access tokens only, with a hint', () => {
    for (const flow of ['azurecli', 'msi', 'workloadidentity', 'spn'] as const)
      assert.throws(
        () => scopesFor(settings, flow),
        (error: unknown) =>
          error instanceof KentraError &&
          error.code === 'usage' &&
          error.message === `--login ${flow} yields an access token only` &&
          /--token-type access/.test(error.hint ?? ''),
      );
  });

  it('shares the user entry between browser and device code, and keys accounts, apps and identities apart', () => {
    assert.deepEqual(cacheKeyFor(settings, 'browser'), cacheKeyFor(settings, 'devicecode'));
    assert.equal(
      cacheKeyFor({ ...settings, loginHint: 'Alice@Contoso.com' }, 'browser').account,
      'alice@contoso.com',
    );
    const access = { ...settings, tokenType: 'access' as const };
    assert.equal(cacheKeyFor(access, 'spn').account, 'app');
    assert.equal(cacheKeyFor(access, 'workloadidentity').account, 'app');
    assert.equal(cacheKeyFor(access, 'azurecli').account, 'azurecli');
    assert.equal(cacheKeyFor(access, 'msi').account, 'msi');
    assert.equal(cacheKeyFor({ ...access, identityClientId: 'MI-1' }, 'msi').account, 'msi:mi-1');
    assert.notDeepEqual(
      cacheKeyFor({ ...access, identityClientId: 'mi-1' }, 'msi'),
      cacheKeyFor({ ...access, identityClientId: 'mi-2' }, 'msi'),
    );
  });
});
