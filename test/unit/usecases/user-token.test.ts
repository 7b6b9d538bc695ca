import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAccessFile } from '../../../src/domain/access/parse.js';
import { mergeKubeconfigs, selectContext } from '../../../src/domain/kubeconfig/merged.js';
import { KentraError } from '../../../src/errors.js';
import { parseGetTokenArgs } from '../../../src/usecases/get-token-args.js';
import type { LoadedAccessFile } from '../../../src/usecases/load-access.js';
import { signInFromAccessFile, tokenSourceFromKubeconfig } from '../../../src/usecases/user-token.js';

const tenant = '6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13';
const clientId = '3f9b7c1e-5a2d-4e6f-8b0c-9d1e2f3a4b5c';

const config = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
  users: [
    {
      name: 'entra',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: '/usr/local/bin/kentra',
          args: ['get-token', '--tenant', tenant, '--client-id', clientId, '--login-hint', 'devi@x.example'],
        },
      },
    },
    { name: 'static', user: { token: 'opaque-test-value' } },
    { name: 'kubelogin', user: { exec: { command: 'kubelogin', args: ['get-token'] } } },
  ],
  contexts: [
    { name: 'entra', context: { cluster: 'c', user: 'entra' } },
    { name: 'static', context: { cluster: 'c', user: 'static' } },
    { name: 'other', context: { cluster: 'c', user: 'kubelogin' } },
  ],
  'current-context': 'entra',
};

/** An access file with the test tenant's app, as load-access returns it from /work. */
function loadedAccess(document: { tenant: Record<string, unknown>; clusters: Record<string, unknown>[] }) {
  const parsed = parseAccessFile({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    app: { clientId },
    rules: [],
    ...document,
  });
  assert.ok(parsed.file, JSON.stringify(parsed.issues));
  const access: LoadedAccessFile = {
    path: '/work/kentra.yaml',
    file: parsed.file,
    warnings: [],
    resolvePath: (relative) => `/work/${relative}`,
    locate: () => undefined,
  };
  return access;
}

/** The kubeconfig source's `context`, over one in-memory file. */
const kc = {
  context: async (name?: string) => selectContext(mergeKubeconfigs([{ path: '/kc', config }]), name),
};
const deps = { parseGetTokenArgs };

describe('user token sources', () => {
  it("reads a kentra get-token user's arguments as get-token does (current context by default)", async () => {
    const source = await tokenSourceFromKubeconfig(kc, undefined, deps);
    assert.equal(source.kind, 'get-token');
    assert.ok(source.kind === 'get-token');
    assert.equal(source.input.tenant, tenant);
    assert.equal(source.input.clientId, clientId);
    assert.equal(source.input.loginHint, 'devi@x.example');
    assert.equal(source.input.forceRefresh, false);
  });

  it('uses a static token as it is, and refuses another exec plugin with a hint', async () => {
    assert.deepEqual(await tokenSourceFromKubeconfig(kc, 'static', deps), {
      kind: 'static',
      token: 'opaque-test-value',
      context: 'static',
    });
    await assert.rejects(tokenSourceFromKubeconfig(kc, 'other', deps), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.match(error.message, /does not sign in with kentra get-token \(it runs kubelogin\)/);
      assert.match(error.hint ?? '', /kentra kubeconfig/);
      return true;
    });
    await assert.rejects(tokenSourceFromKubeconfig(kc, 'nope', deps), /no context named "nope"/);
  });

  it("signs in for the access file's app, always fresh, trusting the tenant's CA", () => {
    const access = loadedAccess({
      tenant: { id: tenant, authority: 'https://127.0.0.1:9443', certificateAuthorityFile: 'ca.pem' },
      clusters: [{ name: 'emu' }],
    });
    const [cluster] = access.file.clusters;
    assert.ok(cluster);
    const source = signInFromAccessFile(access, { loginHint: 'devi@x.example' }, cluster);
    assert.ok(source.kind === 'get-token');
    assert.deepEqual(
      {
        authority: source.input.authorityHost,
        client: source.input.clientId,
        ca: source.input.caFile,
        type: source.input.tokenType,
        fresh: source.input.forceRefresh,
      },
      { authority: 'https://127.0.0.1:9443', client: clientId, ca: '/work/ca.pem', type: 'id', fresh: true },
    );
  });

  it("signs in for the cluster's environment app (#14.7), and refuses while setup has not made it", () => {
    const prodApp = '7e1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    const access = loadedAccess({
      tenant: { id: tenant },
      clusters: [
        { name: 'prod', environment: 'production', audience: prodApp },
        { name: 'staging', environment: 'staging' },
      ],
    });
    const [prod, staging] = access.file.clusters;
    assert.ok(prod && staging);
    const source = signInFromAccessFile(access, {}, prod);
    assert.ok(source.kind === 'get-token');
    assert.equal(source.input.clientId, prodApp);
    assert.throws(
      () => signInFromAccessFile(access, {}, staging),
      (error: unknown) =>
        error instanceof KentraError &&
        /environment "staging" has no app yet/.test(error.message) &&
        /kentra entra setup/.test(error.hint ?? ''),
    );
  });
});
