/**
 * The test command on a machine that lacks what the e2e tests need: the
 * prerequisite step (test/prerequisites.ts, also run by test/run.ts) stops
 * within seconds with the exact install command, before anything slow (a
 * kubectl build) starts. Run with a PATH that holds only node (and go), in a
 * temporary HOME.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { onPath } from '../harness/prerequisites.js';
import { run } from '../harness/processes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('prerequisites on a machine without Chromium, redis-server, jq, python3 and kubectl', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-prerequisites-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs the check with only `commands` on PATH and a fresh HOME; returns its output and duration. */
  async function check(name: string, commands: Record<string, string>) {
    const bin = join(dir, name, 'bin');
    const home = join(dir, name, 'home');
    await mkdir(bin, { recursive: true });
    await mkdir(home, { recursive: true });
    for (const [command, target] of Object.entries(commands)) await symlink(target, join(bin, command));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin, HOME: home };
    // test/run.ts tells test processes where it found things; this machine has nothing.
    for (const name of ['KENTRA_CHROMIUM', 'KENTRA_REDIS_SERVER', 'KUBECTL', 'KENTRA_CACHE_DIR'])
      delete env[name];
    const started = Date.now();
    const result = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/prerequisites.ts')], {
      env,
      cwd: repoRoot,
    });
    return { ...result, seconds: (Date.now() - started) / 1000, home };
  }

  it('stops within 10 s with the exact install command, and builds nothing', async () => {
    const go = onPath('go', process.env);
    assert.ok(go, 'this machine runs the tests, so it has Go');
    const result = await check('no-browser', { node: process.execPath, go });
    assert.equal(result.code, 1, result.stderr);
    assert.ok(result.seconds < 10, `took ${result.seconds} s`);
    assert.match(result.stderr, /^ {2}chromium +MISSING$/m);
    assert.match(result.stderr, /^ {2}redis-server +MISSING$/m);
    assert.match(result.stderr, /^ {2}jq +MISSING$/m);
    assert.match(result.stderr, /^ {2}python3 +MISSING$/m);
    assert.match(result.stderr, /^ {2}kubectl +missing: will be built with Go$/m);
    assert.match(
      result.stderr,
      /cannot run the tests: missing chromium \(browser sign-in tests.*\); not installed here \((not running as root|no apt-get on PATH)\)/,
    );
    assert.match(
      result.stderr,
      /Install with: {2}(sudo )?apt-get install -y chromium redis-server jq python3-venv\n/,
    );
    assert.match(result.stderr, /\[prerequisites\] stopped after \d+\.\d s/);
    assert.ok(!existsSync(join(result.home, '.cache/kentra')), 'no kubectl build was started');
  });

  it('without Go, says where to get it', async () => {
    const result = await check('no-go', { node: process.execPath });
    assert.equal(result.code, 1);
    assert.ok(result.seconds < 10, `took ${result.seconds} s`);
    assert.match(result.stderr, /^ {2}go +MISSING$/m);
    assert.match(result.stderr, /^ {2}kubectl +MISSING$/m);
    assert.match(
      result.stderr,
      /Go 1\.26 or later is required .*: install it from https:\/\/go\.dev\/dl\/ and put `go` on PATH/,
    );
  });
});
