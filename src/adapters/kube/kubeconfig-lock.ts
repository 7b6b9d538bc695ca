/**
 * The lock kubectl takes before it changes kubeconfig files, so that kentra
 * and kubectl (and several kentra processes) never interleave a read-modify-
 * write and lose each other's entries.
 *
 * client-go tools/clientcmd config.go `ModifyConfig` locks every file of the
 * loading precedence, sorted (the same order everywhere, so no deadlock), and
 * loader.go `lockFile` creates `<file>.lock` with O_CREATE|O_EXCL, removed
 * after the write. The lock is named after the path as given (a symlink's
 * lock sits beside the link), exactly like kubectl's, so the two exclude each
 * other. kubectl gives up at once when a lock exists; kentra waits for it up
 * to a timeout, and never removes a lock it did not take: a lock left behind
 * by a crash blocks kubectl too, so the error says which file to delete.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KentraError } from '../../errors.js';

export interface KubeconfigLockOptions {
  /** How long to wait for another writer. */
  timeoutMs: number;
}

/** Takes `<file>.lock` for every file, in the given order; returns the release. */
export async function lockFiles(
  files: readonly string[],
  options: KubeconfigLockOptions,
): Promise<() => Promise<void>> {
  const held: string[] = [];
  const release = async () => {
    for (const lock of held.reverse()) await rm(lock, { force: true });
  };
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (const file of files) {
      const lock = `${file}.lock`;
      await mkdir(dirname(lock), { recursive: true, mode: 0o700 });
      await takeLock(lock, deadline);
      held.push(lock);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

async function takeLock(lock: string, deadline: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new KentraError('io.write', `cannot create the kubeconfig lock ${lock}`, {
          cause: error,
          hint: 'Check that you may write in that folder.',
        });
    }
    if (Date.now() >= deadline)
      throw new KentraError(
        'config.locked',
        `another kubectl or kentra is changing the kubeconfig (${lock})`,
        {
          hint: `Try again. If no kubectl or kentra is running, an earlier one left ${lock} behind: delete it.`,
        },
      );
    await pause(attempt);
  }
}

/** A short, growing, jittered wait: writers hold the lock for milliseconds, and must not retry in step. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(100, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
