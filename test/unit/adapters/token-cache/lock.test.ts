import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLock, procStartTime } from '../../../../src/adapters/token-cache/lock.js';
import { KentraError } from '../../../../src/errors.js';

const root = await mkdtemp(join(tmpdir(), 'kentra-lock-'));
after(() => rm(root, { recursive: true, force: true }));

/** A clock that advances only when the lock pauses, so no test waits on the wall clock. */
function fakeTime(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    pause: async (ms: number) => {
      now += ms;
    },
  };
}

describe('per-entry lock', () => {
  it('lets one holder in at a time and the next one in after release', async () => {
    const path = join(root, 'a.lock');
    const first = await acquireLock(path, { timeoutMs: 1000, now: Date.now });
    const holder = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    let secondIn = false;
    const order: string[] = [];
    const second = acquireLock(path, {
      timeoutMs: 5000,
      now: Date.now,
      onWait: () => order.push('waiting'),
      pause: async () => {
        // Release the first holder while the second is waiting.
        if (!secondIn) {
          secondIn = true;
          order.push('release');
          await first.release();
        }
      },
    });
    const held = await second;
    order.push('acquired');
    assert.deepEqual(order, ['waiting', 'release', 'acquired']);
    await held.release();
    await assert.rejects(stat(path), /ENOENT/);
  });

  it('gives up after the timeout with the holder named and a hint', async () => {
    const path = join(root, 'b.lock');
    const first = await acquireLock(path, { timeoutMs: 1000, now: Date.now });
    const time = fakeTime();
    let waits = 0;
    await assert.rejects(
      acquireLock(path, { timeoutMs: 3000, now: time.now, pause: time.pause, onWait: () => waits++ }),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'cache.locked' &&
        new RegExp(`Process ${process.pid}`).test(error.hint ?? ''),
    );
    assert.equal(waits, 1, 'the wait is announced once, not on every poll');
    await first.release();
  });

  it('takes over a lock whose holder process is gone', async () => {
    const path = join(root, 'c.lock');
    await writeFile(path, JSON.stringify({ pid: 999_999_999, host: hostname(), since: 1 }));
    const held = await acquireLock(path, { timeoutMs: 1000, now: Date.now, isAlive: () => false });
    assert.equal(JSON.parse(await readFile(path, 'utf8')).pid, process.pid);
    await held.release();
  });

  it('takes over a lock older than staleAfterMs even if its holder looks alive', async () => {
    const path = join(root, 'd.lock');
    await writeFile(path, JSON.stringify({ pid: process.pid, host: 'other-host', since: 0 }));
    const held = await acquireLock(path, { timeoutMs: 1000, now: () => 10_000, staleAfterMs: 5_000 });
    assert.equal(JSON.parse(await readFile(path, 'utf8')).since, 10_000);
    await held.release();
  });

  it('removes an empty lock file left by a crash between create and write', async () => {
    const path = join(root, 'e.lock');
    await writeFile(path, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const held = await acquireLock(path, { timeoutMs: 1000, now: Date.now });
    await held.release();
  });

  it('does not remove a lock that was taken over by someone else', async () => {
    const path = join(root, 'f.lock');
    const mine = await acquireLock(path, { timeoutMs: 1000, now: () => 5 });
    await writeFile(path, JSON.stringify({ pid: 4242, host: 'h', since: 9 }));
    await mine.release();
    assert.equal(JSON.parse(await readFile(path, 'utf8')).pid, 4242);
  });

  it('takes over a lock whose PID now belongs to another process (PID reuse, start time differs)', async () => {
    const path = join(root, 'g.lock');
    // The holder died and the kernel handed its PID to an unrelated, long-running process.
    await writeFile(path, JSON.stringify({ pid: 4242, host: hostname(), since: 1, started: 'boot-1:100' }));
    const processes = {
      isAlive: (pid: number) => pid === 4242 || pid === process.pid,
      startTime: (pid: number) => (pid === 4242 ? 'boot-1:98765' : 'boot-1:500'),
    };
    const time = fakeTime();
    const held = await acquireLock(path, { timeoutMs: 3000, now: time.now, pause: time.pause, processes });
    const holder = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.started, 'boot-1:500', 'the new holder records its own start time');
    await held.release();
  });

  it('keeps waiting for a live holder whose start time matches', async () => {
    const path = join(root, 'h.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: 4242, host: hostname(), since: 1_000_000, started: 'boot-1:100' }),
    );
    const processes = {
      isAlive: () => true,
      startTime: (pid: number) => (pid === 4242 ? 'boot-1:100' : 'x'),
    };
    const time = fakeTime();
    await assert.rejects(
      acquireLock(path, { timeoutMs: 3000, now: time.now, pause: time.pause, processes }),
      (error: unknown) => error instanceof KentraError && error.code === 'cache.locked',
    );
  });

  it('reads the start time of this process from /proc on Linux', () => {
    if (process.platform !== 'linux') return;
    const started = procStartTime(process.pid);
    assert.match(started ?? '', /^[0-9a-f-]+:\d+$/);
    assert.equal(procStartTime(process.pid), started, 'stable for one process');
    assert.equal(procStartTime(2 ** 30), undefined, 'no such process');
  });
});
