import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryCachePlugin, msalConfiguration } from '../../../../src/adapters/entra/applications.js';
import { KentraError } from '../../../../src/errors.js';

const config = { authorityHost: 'https://127.0.0.1:8443', tenant: 'contoso', clientId: 'app' };

describe('msal-node configuration', () => {
  it('declares a self-hosted authority (host with port) as known, and Microsoft hosts not', () => {
    const own = msalConfiguration(config, new MemoryCachePlugin(undefined));
    assert.equal(own.auth.authority, 'https://127.0.0.1:8443/contoso');
    assert.deepEqual(own.auth.knownAuthorities, ['127.0.0.1:8443']);
    assert.ok(own.system?.networkClient, "kentra's CA-aware network client is used");
    const entra = msalConfiguration(
      { ...config, authorityHost: 'https://login.microsoftonline.com/' },
      new MemoryCachePlugin(undefined),
    );
    assert.deepEqual(entra.auth.knownAuthorities, []);
  });

  it('refuses a plain-http authority with a hint', () => {
    assert.throws(
      () =>
        msalConfiguration(
          { ...config, authorityHost: 'http://127.0.0.1:8080' },
          new MemoryCachePlugin(undefined),
        ),
      (error: unknown) => error instanceof KentraError && /is not https/.test(error.message),
    );
  });
});
