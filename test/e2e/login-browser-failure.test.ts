/**
 * A browser command that fails can never finish a sign-in: get-token ends the
 * sign-in with the reason at once instead of waiting for --timeout (a missing
 * Chromium used to hold a test for the whole 3 minutes). Run as a process, on
 * Node and as the compiled binary: the child's exit status and signal are where
 * the runtimes could differ.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';

describe(`get-token with a failing --browser-command (kentra: ${kentra.name})`, () => {
  let entra: EmulatorHandle;
  let dir: string;
  before(async () => {
    entra = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'kentra-browser-failure-'));
  });
  after(async () => {
    await entra?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Each case has its own cache: a failed sign-in leaves a back-off marker for its account.
  let cases = 0;
  const getToken = (browserCommand: string) =>
    kentra.run(
      [
        'get-token',
        ...['--tenant', entra.tenantId, '--client-id', entra.clientId, '--authority', entra.url],
        ...['--certificate-authority', entra.caFile, '--browser-command', browserCommand],
        // Far longer than the failure takes: reaching it would fail the assertions below.
        ...['--timeout', '60s'],
      ],
      {
        env: {
          PATH: process.env.PATH,
          KUBECACHEDIR: join(dir, `case-${++cases}`),
          KUBERNETES_EXEC_INFO: JSON.stringify({
            apiVersion: 'client.authentication.k8s.io/v1',
            kind: 'ExecCredential',
            spec: { interactive: true },
          }),
        },
      },
    );

  it('fails with the exit status of the browser command, and says what to check', async () => {
    const result = await getToken('false');
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /kentra: error \[auth\.failed\]: the browser command exited with status 1 before the sign-in finished/,
    );
    assert.match(result.stderr, /hint: Check --browser-command/);
    assert.equal(entra.control.requestCount('token'), 0);
  });

  it('names the signal when the browser command is killed', async () => {
    const result = await getToken(`${process.execPath} -e process.kill(process.pid,'SIGKILL')`);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the browser command was stopped by SIGKILL before the sign-in finished/);
  });
});
