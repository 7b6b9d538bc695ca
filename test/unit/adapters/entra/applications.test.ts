import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  credentialAuth,
  MemoryCachePlugin,
  msalConfiguration,
} from '../../../../src/adapters/entra/applications.js';
import { KentraError } from '../../../../src/errors.js';

const dir = await mkdtemp(join(tmpdir(), 'kentra-msal-config-'));
after(() => rm(dir, { recursive: true, force: true }));
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

  it('reads the workload identity token file on every request (it rotates)', async () => {
    const file = join(dir, 'token');
    const auth = credentialAuth({ kind: 'federated-token-file', path: file });
    assert.equal(typeof auth.clientAssertion, 'function');
    const assertion = auth.clientAssertion as () => Promise<string>;
    await writeFile(file, 'first-assertion\n');
    assert.equal(await assertion(), 'first-assertion');
    await writeFile(file, 'rotated-assertion');
    assert.equal(await assertion(), 'rotated-assertion');
    assert.deepEqual(credentialAuth({ kind: 'secret', secret: 's' }), { clientSecret: 's' });
  });
});
