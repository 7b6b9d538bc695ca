/**
 * The composition root builds its adapters from the CliContext alone: the
 * environment, the working folder and the clock it is given, never the
 * process's own.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { composeRoot } from '../../../src/composition/root.js';
import type { CliContext } from '../../../src/ports/cli-context.js';

function context(env: Record<string, string>, cwd = '/work/here'): CliContext {
  return {
    stdout: { write: () => {} },
    stderr: { write: () => {} },
    stdin: Readable.from([]),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env,
    cwd,
    now: () => 42,
    interrupted: new Promise(() => {}),
  };
}

describe('composeRoot', () => {
  it('finds the kubeconfig files from the given environment and folder, as kubectl does', async () => {
    const root = composeRoot(context({ HOME: '/home/alice', KUBECONFIG: '' }));
    assert.deepEqual((await root.kubeconfig({})).files.precedence, ['/home/alice/.kube/config']);
    assert.deepEqual((await root.kubeconfig({ kubeconfig: 'clusters/dev.yaml' })).files, {
      explicit: true,
      precedence: ['/work/here/clusters/dev.yaml'],
    });
    const listed = composeRoot(context({ HOME: '/home/alice', KUBECONFIG: ':/etc/kube/a:b' }));
    assert.deepEqual((await listed.kubeconfig({})).files.precedence, ['', '/etc/kube/a', '/work/here/b']);
    assert.equal((await listed.kubeconfig({ context: 'prod' })).contextOverride, 'prod');
  });

  it("gives get-token one set of dependencies, on the context's clock and cache folder", () => {
    const root = composeRoot(context({ HOME: '/home/alice', KUBECACHEDIR: '/var/cache/kube' }));
    const deps = root.getToken();
    assert.equal(root.getToken(), deps, 'built once per process');
    assert.equal(deps.now(), 42);
    assert.equal(deps.store.dir, '/var/cache/kube/kentra');
  });

  it('says progress on stderr, one line each', () => {
    let stderr = '';
    const root = composeRoot({ ...context({}), stderr: { write: (text) => (stderr += text) } });
    root.progress('resolving groups…');
    assert.equal(stderr, 'resolving groups…\n');
  });
});
