import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Application } from '../../../src/emulator/model.js';
import { redirectUriAllowed } from '../../../src/emulator/redirect-uris.js';

function app(publicUris: string[], webUris: string[] = []): Application {
  return { publicClientRedirectUris: publicUris, webRedirectUris: webUris } as unknown as Application;
}

describe('redirect URI matching', () => {
  it('ignores the port of http loopback URIs only', () => {
    const registered = app(['http://localhost', 'http://127.0.0.1/callback']);
    assert.ok(redirectUriAllowed(registered, 'http://localhost:54321'));
    assert.ok(redirectUriAllowed(registered, 'http://localhost:1/'));
    assert.ok(redirectUriAllowed(registered, 'http://127.0.0.1:8080/callback'));
    assert.ok(!redirectUriAllowed(registered, 'http://127.0.0.1:8080/other'), 'the path must match');
    assert.ok(
      !redirectUriAllowed(registered, 'http://127.0.0.1:8080/'),
      'localhost and 127.0.0.1 are different registrations',
    );
  });

  it('matches other URIs exactly, port included', () => {
    const registered = app([], ['https://app.example/cb']);
    assert.ok(redirectUriAllowed(registered, 'https://app.example/cb'));
    assert.ok(!redirectUriAllowed(registered, 'https://app.example:8443/cb'));
    assert.ok(!redirectUriAllowed(registered, 'https://evil.example/cb'));
    assert.ok(!redirectUriAllowed(registered, 'not a url'));
  });
});
