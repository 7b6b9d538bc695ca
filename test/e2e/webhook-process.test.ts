/**
 * `kentra webhook` as its own process, on Node and as the compiled binary: it
 * starts from its configuration (TLS with a client CA, Graph client credentials
 * against the emulator with a private CA), authenticates a real Entra token in a
 * TokenReview, refuses a caller without the client certificate, and stops
 * gracefully on SIGTERM. The webhook's behaviour in depth is in the other
 * webhook-*.test.ts files; this one is about the process and the runtime.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as until } from 'node:timers/promises';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { writeWebhookFiles } from '../harness/webhook-world.js';

interface Pem {
  certPem: string;
  keyPem: string;
}

describe(`kentra webhook as a process (kentra: ${kentra.name})`, () => {
  let entra: EmulatorHandle;
  let dir: string;
  let child: ChildProcess;
  let url: string;
  let log = '';
  let serverCa: string;
  let apiserver: Pem;

  before(async () => {
    entra = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-process-'));
    const files = await writeWebhookFiles(dir, entra, { pollIntervalSeconds: 1, maxStalenessSeconds: 10 });
    apiserver = files.apiserverClient;
    serverCa = files.ca.certPem;
    child = spawn(...kentra.command(['webhook', '--config', files.configPath]), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      child.stderr?.setEncoding('utf8').on('data', (text: string) => {
        log += text;
        const started = log.split('\n').find((line) => line.includes('"event":"webhook.started"'));
        if (started) resolve((JSON.parse(started) as { url: string }).url);
      });
      child.once('exit', (code) =>
        reject(new Error(`kentra webhook exited (${code}) before listening:\n${log}`)),
      );
    });
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await entra?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function review(token: string, client?: Pem): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ca: serverCa,
          cert: client?.certPem,
          key: client?.keyPem,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (text: string) => {
            body += text;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
      );
    });
  }

  it("authenticates an emulator token with the user's oid and groups, once Entra's state is read", async () => {
    const { idToken } = await entra.signInWithPassword({ user: entra.users.developer });
    let answer = await review(idToken, apiserver);
    // The first Graph round runs in the background after start: ask again after the next log
    // line or the next poll (1 s), whichever comes first.
    for (let attempt = 0; !answer.body.includes('"authenticated":true'); attempt++) {
      assert.ok(attempt < 30, `never authenticated: ${answer.body}\n${log}`);
      await Promise.race([once(child.stderr as NodeJS.ReadableStream, 'data'), until(1000)]);
      answer = await review(idToken, apiserver);
    }
    assert.equal(answer.status, 200);
    const status = (JSON.parse(answer.body) as { status: { user: { username: string; groups: string[] } } })
      .status;
    assert.equal(status.user.username, `entra:${entra.users.developer.oid}`);
    assert.ok(
      status.user.groups.includes(`entra:group:${entra.groups.developers}`),
      status.user.groups.join(),
    );
    assert.ok(!log.includes(idToken.split('.')[2] ?? '-'), 'no piece of the token in the log');
  });

  it('refuses a caller without the client certificate', async () => {
    const refused = await review('x').then(
      (answer) => answer.status,
      (error: NodeJS.ErrnoException) => error.code ?? 'error',
    );
    assert.notEqual(refused, 200);
  });

  it('stops gracefully on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    assert.deepEqual([code, signal], [0, null], log);
    assert.match(log, /"event":"webhook.stopping"/);
    assert.match(log, /"event":"webhook.stopped"/);
  });
});
