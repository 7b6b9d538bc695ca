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
  it('finds the kubeconfig from the given environment and folder', async () => {
    const root = composeRoot(context({ HOME: '/home/alice', KUBECONFIG: '' }));
    assert.equal(await root.kubeconfigPath(undefined), '/home/alice/.kube/config');
    assert.equal(await root.kubeconfigPath('clusters/dev.yaml'), '/work/here/clusters/dev.yaml');
    const listed = composeRoot(context({ HOME: '/home/alice', KUBECONFIG: ':/etc/kube/a:/etc/kube/b' }));
    assert.equal(await listed.kubeconfigPath(undefined), '/etc/kube/a');
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
