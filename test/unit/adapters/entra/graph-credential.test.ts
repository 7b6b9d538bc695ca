import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createGraphCredential,
  type GraphCredentialOptions,
  graphScope,
  resolveMode,
} from '../../../../src/adapters/entra/graph-credential.js';
import { KentraError } from '../../../../src/errors.js';

const options = (env: GraphCredentialOptions['env'], mode: GraphCredentialOptions['mode'] = 'auto') => ({
  mode,
  tenantId: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f',
  authorityHost: 'https://login.microsoftonline.com',
  graphBaseUrl: 'https://graph.microsoft.com',
  env,
  prompt: () => {},
  now: () => 0,
});

describe('the Graph credential', () => {
  it('auto picks a token, then an app identity from the environment, then the Azure CLI', () => {
    assert.equal(
      resolveMode('auto', { KENTRA_GRAPH_TOKEN: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }),
      'token',
    );
    assert.equal(resolveMode('auto', { AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }), 'client-secret');
    assert.equal(
      resolveMode('auto', { AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: 'p' }),
      'client-certificate',
    );
    assert.equal(
      resolveMode('auto', { AZURE_CLIENT_ID: 'c', AZURE_FEDERATED_TOKEN_FILE: 'f' }),
      'workload-identity',
    );
    assert.equal(
      resolveMode('auto', { AZURE_CLIENT_SECRET: 's' }),
      'azure-cli',
      'a secret without a client ID is not enough',
    );
    assert.equal(
      resolveMode('device-code', { KENTRA_GRAPH_TOKEN: 't' }),
      'device-code',
      'an explicit mode wins',
    );
  });

  it("asks for the Graph resource of the file's cloud; a local Graph stands for the global one", () => {
    assert.equal(graphScope('https://graph.microsoft.com'), 'https://graph.microsoft.com/.default');
    assert.equal(graphScope('https://graph.microsoft.us/'), 'https://graph.microsoft.us/.default');
    assert.equal(graphScope('https://127.0.0.1:8443'), 'https://graph.microsoft.com/.default');
  });

  it('names the missing environment variables of an explicit mode', () => {
    assert.throws(
      () => createGraphCredential(options({ AZURE_CLIENT_ID: 'c' }, 'workload-identity')),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'entra.auth' &&
        /needs AZURE_FEDERATED_TOKEN_FILE in the environment/.test(error.message),
    );
  });

  it('an app identity needs the tenant; the Azure CLI and a device code can do without', () => {
    const env = { AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };
    assert.throws(
      () => createGraphCredential({ ...options(env), tenantId: undefined }),
      /--graph-auth client-secret needs the tenant/,
    );
    assert.equal(
      createGraphCredential({ ...options({}, 'azure-cli'), tenantId: undefined }).mode,
      'azure-cli',
    );
    assert.equal(
      createGraphCredential({ ...options({}, 'device-code'), tenantId: undefined }).mode,
      'device-code',
    );
  });

  it('passes KENTRA_GRAPH_TOKEN through as it is', async () => {
    const credential = createGraphCredential(options({ KENTRA_GRAPH_TOKEN: 'opaque-test-value' }));
    assert.equal(credential.mode, 'token');
    assert.equal(await credential.accessToken(), 'opaque-test-value');
  });

  it('wraps a failed sign-in in a KentraError with a hint and no secret', async () => {
    const secret = 'not-a-real-secret-value-123';
    const credential = createGraphCredential({
      ...options({ AZURE_CLIENT_ID: 'c0000000-0000-4000-8000-000000000001', AZURE_CLIENT_SECRET: secret }),
      authorityHost: 'https://127.0.0.1:1', // nothing listens there
    });
    await assert.rejects(credential.accessToken(), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.equal(error.code, 'entra.auth');
      assert.match(error.message, /--graph-auth client-secret/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, new RegExp(secret));
      return true;
    });
  });
});
