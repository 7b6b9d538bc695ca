import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kentraGetTokenArgs } from '../../../../src/domain/kubeconfig/entries.js';

describe("a kubeconfig user's exec command is kentra", () => {
  it('by every name kentra is installed under, with or without a folder', () => {
    for (const command of [
      ...['kentra', 'kentra.exe', 'kubectl-entra', 'kubectl-entra.exe'],
      ...['/usr/lib/node_modules/kentra/dist/bin/kentra.js', '/home/a/.krew/bin/kubectl-entra'],
      ...['/opt/kentra-linux-x64', 'C:\\tools\\kentra-windows-x64.exe', 'kentra-darwin-arm64'],
      'node_modules/.cache/kentra-binary/kentra-linux-x64-5c87752c9824addd',
    ])
      assert.deepEqual(
        kentraGetTokenArgs({ command, args: ['get-token', '--tenant', 't'] }),
        ['--tenant', 't'],
        command,
      );
  });

  it('and not by a name that only resembles it, nor without get-token', () => {
    for (const command of ['kentrax', 'kubelogin', 'kentra-tool.sh', 'my-kentra', 'kubectl-entra-old'])
      assert.equal(kentraGetTokenArgs({ command, args: ['get-token'] }), undefined, command);
    assert.equal(kentraGetTokenArgs({ command: 'kentra', args: ['whoami'] }), undefined);
  });
});
