import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { graphAuthModes } from '../../../../src/adapters/entra/graph-auth-modes.js';
import {
  azureCliOnPath,
  createGraphCredential,
  type GraphCredentialOptions,
  resolveModes,
} from '../../../../src/adapters/entra/graph-credential.js';
import { graphTokenSource } from '../../../../src/adapters/entra/graph-token-source.js';
import { graphScope, openGraph } from '../../../../src/adapters/graph/open-graph.js';
import { KentraError } from '../../../../src/errors.js';

const options = (
  env: GraphCredentialOptions['env'],
  mode: GraphCredentialOptions['mode'] = 'auto',
): GraphCredentialOptions => ({
  mode,
  tenantId: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f',
  authorityHost: 'https://login.microsoftonline.com',
  env,
  prompt: () => {},
  interactive: false,
});
const noCli = () => false;

describe('the Graph credential', () => {
  it('auto follows the documented chain, decided by the environment alone', () => {
    const at = (env: Record<string, string>, context = { interactive: false, azureCliInstalled: false }) =>
      resolveModes('auto', env, context);
    const app = { AZURE_CLIENT_ID: 'c' };
    assert.deepEqual(at({ KENTRA_GRAPH_TOKEN: 't', ...app, AZURE_CLIENT_SECRET: 's' }), ['token']);
    assert.deepEqual(at({ ...app, AZURE_CLIENT_SECRET: 's', AZURE_FEDERATED_TOKEN_FILE: 'f' }), [
      'client-secret',
    ]);
    assert.deepEqual(at({ ...app, AZURE_CLIENT_CERTIFICATE_PATH: 'p' }), ['client-certificate']);
    assert.deepEqual(at({ ...app, AZURE_FEDERATED_TOKEN_FILE: 'f', IDENTITY_ENDPOINT: 'e' }), [
      'workload-identity',
    ]);
    assert.deepEqual(at({ IDENTITY_ENDPOINT: 'http://127.0.0.1:1/x', IDENTITY_HEADER: 'h' }), [
      'managed-identity',
    ]);
    assert.deepEqual(at({ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:1' }), ['managed-identity']);
    assert.deepEqual(at({ AZURE_CLIENT_SECRET: 's' }), [], 'a secret without a client ID is not enough');
    assert.deepEqual(at({}, { interactive: false, azureCliInstalled: true }), ['azure-cli']);
    assert.deepEqual(at({}, { interactive: true, azureCliInstalled: true }), ['azure-cli', 'device-code']);
    assert.deepEqual(at({}, { interactive: true, azureCliInstalled: false }), ['device-code']);
    assert.deepEqual(
      resolveModes('browser', { KENTRA_GRAPH_TOKEN: 't' }, { interactive: false, azureCliInstalled: true }),
      ['browser'],
    );
  });

  it('finds az on the PATH of the injected environment only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kentra-az-'));
    try {
      assert.equal(azureCliOnPath({ PATH: dir }), false);
      await writeFile(join(dir, 'az'), '#!/bin/sh\n');
      assert.equal(azureCliOnPath({ PATH: `/nonexistent:${dir}` }), false, 'not executable');
      await chmod(join(dir, 'az'), 0o755);
      assert.equal(azureCliOnPath({ PATH: `/nonexistent:${dir}` }), true);
      assert.equal(azureCliOnPath({}), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives no credential when auto finds nothing, and one for every explicit mode', () => {
    assert.equal(createGraphCredential(options({}), noCli), undefined);
    const env = {
      KENTRA_GRAPH_TOKEN: 't',
      AZURE_CLIENT_ID: 'c0000000-0000-4000-8000-000000000001',
      AZURE_CLIENT_SECRET: 's',
      AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent.pem',
      AZURE_FEDERATED_TOKEN_FILE: '/nonexistent-token',
    };
    for (const mode of graphAuthModes.filter((m) => m !== 'auto')) {
      const made = createGraphCredential(options(env, mode), noCli);
      assert.deepEqual(made?.modes, [mode]);
      assert.equal(typeof made?.credential.getToken, 'function', mode);
    }
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

  it('an app identity needs the tenant; the Azure CLI and interactive sign-in can do without', () => {
    const env = { AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };
    assert.throws(
      () => createGraphCredential({ ...options(env), tenantId: undefined }),
      /--graph-auth client-secret needs the tenant/,
    );
    for (const mode of ['azure-cli', 'device-code', 'browser', 'managed-identity'] as const)
      assert.deepEqual(createGraphCredential({ ...options({}, mode), tenantId: undefined })?.modes, [mode]);
  });

  it('passes KENTRA_GRAPH_TOKEN through as it is, through openGraph', async () => {
    const graph = openGraph({
      auth: { mode: 'auto' },
      tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
      env: { KENTRA_GRAPH_TOKEN: 'opaque-test-value' },
      now: () => 0,
      progress: () => {},
      interactive: false,
    });
    assert.deepEqual(graph?.modes, ['token']);
    assert.equal(await graph?.accessToken(), 'opaque-test-value');
    assert.equal(graph?.client('beta'), graph?.client('beta'), 'one client per version');
  });

  it('wraps a failed sign-in in a KentraError with a hint and no secret', async () => {
    const secret = 'not-a-real-secret-value-123';
    const graph = openGraph({
      auth: { mode: 'client-secret' },
      // nothing listens there
      tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f', authority: 'https://127.0.0.1:1' },
      env: { AZURE_CLIENT_ID: 'c0000000-0000-4000-8000-000000000001', AZURE_CLIENT_SECRET: secret },
      now: () => 0,
      progress: () => {},
      interactive: false,
    });
    await assert.rejects(graph?.accessToken() ?? Promise.resolve(), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.equal(error.code, 'entra.auth');
      assert.match(error.message, /cannot get a Microsoft Graph token \(client-secret\)/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, new RegExp(secret));
      return true;
    });
  });
});

describe('the Graph token source: one token per process and scope', () => {
  function counting(lifetimeMs: number, now: () => number) {
    let calls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const credential: TokenCredential = {
      getToken: async (scope) => {
        calls++;
        await gate;
        return { token: `${scope}#${calls}`, expiresOnTimestamp: now() + lifetimeMs };
      },
    };
    return { credential, calls: () => calls, release };
  }

  it('shares one request among concurrent callers, and reuses the token until five minutes before expiry', async () => {
    let clock = 1_000_000;
    const fake = counting(3_600_000, () => clock);
    const source = graphTokenSource(fake.credential, ['client-secret'], () => clock);
    const first = [source('graph/.default'), source('graph/.default'), source('graph/.default')];
    fake.release();
    assert.deepEqual(await Promise.all(first), ['graph/.default#1', 'graph/.default#1', 'graph/.default#1']);
    clock += 3_600_000 - 300_001;
    assert.equal(await source('graph/.default'), 'graph/.default#1', 'still fresh');
    assert.equal(await source('other/.default'), 'other/.default#2', 'another scope has its own token');
    clock += 2;
    assert.equal(await source('graph/.default'), 'graph/.default#3', 'renewed ahead of expiry');
    assert.equal(fake.calls(), 3);
  });

  it('asks again after a failure instead of keeping it', async () => {
    let fail = true;
    const credential: TokenCredential = {
      getToken: async () => {
        if (fail) throw new Error('AADSTS7000215: Invalid client secret provided.');
        return { token: 'ok', expiresOnTimestamp: Number.MAX_SAFE_INTEGER };
      },
    };
    const source = graphTokenSource(credential, ['client-secret'], () => 0);
    await assert.rejects(source('s'), /cannot get a Microsoft Graph token \(client-secret\): AADSTS7000215/);
    fail = false;
    assert.equal(await source('s'), 'ok');
  });
});
