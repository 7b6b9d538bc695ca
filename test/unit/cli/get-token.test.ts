import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { TokenCacheStore } from '../../../src/adapters/token-cache/store.js';
import { answerFromCache } from '../../../src/cli/get-token.js';
import type { CliContext } from '../../../src/ports/cli-context.js';
import { cacheKeyFor } from '../../../src/usecases/cache-key.js';
import { runCli } from '../../helpers/cli.js';

const cacheRoot = await mkdtemp(join(tmpdir(), 'kentra-get-token-'));
after(() => rm(cacheRoot, { recursive: true, force: true }));

const now = Date.UTC(2030, 5, 1, 12, 0, 0);
const args = ['--tenant', 'contoso', '--client-id', 'app-1', '--login-hint', 'alice@contoso.com'];
const nonInteractive = JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  kind: 'ExecCredential',
  spec: { interactive: false },
});

async function seed(account: string, token: string, lifetimeMs: number): Promise<void> {
  const key = cacheKeyFor(
    {
      authorityHost: 'https://login.microsoftonline.com',
      tenant: 'contoso',
      clientId: 'app-1',
      tokenType: 'id',
      scopes: [],
      login: 'auto',
      loginHint: account,
    },
    'browser',
  );
  await new TokenCacheStore(join(cacheRoot, 'kentra')).write({
    version: 1,
    key,
    token,
    obtainedAt: now - 60_000,
    expiresAt: now + lifetimeMs,
  });
}

const env = (extra: Record<string, string> = {}) => ({ KUBECACHEDIR: cacheRoot, ...extra });

describe('kentra get-token', () => {
  it('answers a valid cached token with exactly the ExecCredential on stdout and nothing on stderr', async () => {
    await seed('alice@contoso.com', 'cached-token-alice', 60 * 60_000);
    const run = await runCli(['get-token', ...args], {
      env: env({ KUBERNETES_EXEC_INFO: nonInteractive }),
      now: () => now,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(JSON.parse(run.stdout), {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      spec: {},
      // exp is 60 min away; kubectl is told to come back 5 min early.
      status: { token: 'cached-token-alice', expirationTimestamp: '2030-06-01T12:55:00Z' },
    });
  });

  it('gives the same answer on the fast path (no commander, no MSAL)', async () => {
    const ctx: CliContext = {
      stdout: { write: () => assert.fail('the fast path returns its answer, it does not write') },
      stderr: { write: () => assert.fail('a cache hit says nothing on stderr') },
      stdin: Readable.from([]),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      env: env(),
      cwd: cacheRoot,
      now: () => now,
      interrupted: new Promise(() => {}),
    };
    const text = await answerFromCache(args, ctx);
    assert.equal(JSON.parse(text ?? '{}').status.token, 'cached-token-alice');
    assert.equal(await answerFromCache([...args, '--force-refresh'], ctx), undefined);
    assert.equal(await answerFromCache([...args, '--no-such-flag'], ctx), undefined);
    assert.equal(await answerFromCache(['--tenant', 'contoso'], ctx), undefined);
  });

  it("keeps accounts apart: another login hint does not get alice's token", async () => {
    const run = await runCli(
      ['get-token', '--tenant', 'contoso', '--client-id', 'app-1', '--login-hint', 'bob@contoso.com'],
      {
        env: env({ KUBERNETES_EXEC_INFO: nonInteractive }),
        now: () => now,
      },
    );
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.doesNotMatch(run.stderr, /cached-token-alice/);
  });

  it('without a valid token and spec.interactive=false: exits non-zero, prompts nothing, prints nothing on stdout', async () => {
    await seed('carol@contoso.com', 'nearly-expired', 2 * 60_000);
    const run = await runCli(
      ['get-token', '--tenant', 'contoso', '--client-id', 'app-1', '--login-hint', 'carol@contoso.com'],
      {
        env: env({ KUBERNETES_EXEC_INFO: nonInteractive }),
        now: () => now + 2 * 60_000,
      },
    );
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /error \[auth\.interaction_required\]: no valid token cached and kubectl runs without a terminal/,
    );
    assert.match(
      run.stderr,
      /kentra get-token --tenant contoso --client-id app-1 --login-hint carol@contoso\.com/,
    );
    assert.doesNotMatch(run.stderr, /nearly-expired/);
    const lockFiles = (await readdir(join(cacheRoot, 'kentra'))).filter((name) => name.endsWith('.lock'));
    assert.deepEqual(lockFiles, [], 'the lock is released after a failure');
  });

  it('after a failed sign-in, does not open another one for a minute when run by kubectl', async () => {
    const settings = {
      authorityHost: 'https://login.microsoftonline.com',
      tenant: 'contoso',
      clientId: 'app-1',
      tokenType: 'id' as const,
      scopes: [],
      login: 'auto' as const,
      loginHint: 'dave@contoso.com',
    };
    const store = new TokenCacheStore(join(cacheRoot, 'kentra'));
    await store.recordFailure(
      cacheKeyFor(settings, 'browser'),
      now - 20_000,
      'sign-in did not finish within 180s',
    );
    const interactive = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: true },
    });
    const run = await runCli(
      ['get-token', '--tenant', 'contoso', '--client-id', 'app-1', '--login-hint', 'dave@contoso.com'],
      { env: env({ KUBERNETES_EXEC_INFO: interactive }), now: () => now },
    );
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /the last sign-in for this account failed \(sign-in did not finish within 180s\)/,
    );
    assert.match(run.stderr, /Not opening another sign-in for 40s/);
  });

  it('rejects bad flags as usage errors with exit status 2', async () => {
    for (const [flags, message] of [
      [['--client-id', 'a'], /--tenant is required/],
      [[...args, '--token-type', 'refresh'], /--token-type must be "id" or "access"/],
      [[...args, '--grant-type', 'password'], /--grant-type must be one of auto, browser/],
      [[...args, '--timeout', 'soon'], /--timeout must be a duration/],
      [[...args, '--listen-port', '70000'], /--listen-port must be a port number/],
    ] as const) {
      const run = await runCli(['get-token', ...flags], { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('rejects a malformed KUBERNETES_EXEC_INFO', async () => {
    const run = await runCli(['get-token', ...args], {
      env: env({ KUBERNETES_EXEC_INFO: '{"apiVersion":"v9"}' }),
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /KUBERNETES_EXEC_INFO \.apiVersion is "v9"/);
  });
});
