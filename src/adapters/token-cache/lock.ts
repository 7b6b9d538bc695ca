/**
 * A lock per cache entry, held across the whole "read cache -> refresh or sign
 * in -> write cache" sequence, so that N kubectl processes started together
 * cause exactly one sign-in: the first takes the lock, the others wait, then
 * find the fresh token in the cache (int128/kubelogin PR #1126 holds its lock the
 * same way). Unlike kubelogin's flock it has a timeout, and a lock left behind by
 * a process that died is taken over.
 *
 * The lock is a separate `<entry>.lock` file created with O_EXCL: locking the
 * cache file itself broke kubelogin on Windows (int128/kubelogin#1144).
 *
 * A holder is named by its PID and, where the OS tells, the process's start
 * time. PIDs are reused: without the start time a lock whose holder died would
 * look held by whatever process got the PID next, and block sign-in until
 * `staleAfterMs` (15 minutes). On Linux the start time is field 22 of
 * /proc/<pid>/stat (clock ticks since boot, proc(5)) with the boot id, so a
 * reboot is a different start too.
 */
import { readFileSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { KentraError } from '../../errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: number;
  /** The holder process's start time (see procStartTime); absent where the OS does not say. */
  started?: string;
}

/** What the lock asks the OS about processes on this host; injected for tests. */
export interface ProcessTable {
  isAlive(pid: number): boolean;
  /** An opaque start-time token for a live process, or undefined when unknown. */
  startTime(pid: number): string | undefined;
}

export const hostProcesses: ProcessTable = { isAlive: processIsAlive, startTime: procStartTime };

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
  now: () => number;
  /** A lock older than this is taken over even if its holder looks alive (a stuck process). */
  staleAfterMs?: number;
  /** Called once when the lock is busy, with its holder (for a progress line on stderr). */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Pause between attempts; injected so unit tests do not wait on the wall clock. */
  pause?: (ms: number) => Promise<void>;
  /** Whether a process id is alive on this host; injected for tests. */
  isAlive?: (pid: number) => boolean;
  /** The processes of this host (liveness and start time); injected for tests. */
  processes?: ProcessTable;
}

export interface HeldLock {
  release(): Promise<void>;
}

const pollMs = 100;

export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  const { now, timeoutMs } = options;
  const staleAfterMs = options.staleAfterMs ?? 15 * 60_000;
  const pause = options.pause ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const processes: ProcessTable = {
    isAlive: options.isAlive ?? options.processes?.isAlive ?? hostProcesses.isAlive,
    startTime: options.processes?.startTime ?? hostProcesses.startTime,
  };
  const deadline = now() + timeoutMs;
  let told = false;
  for (;;) {
    const held = await tryCreate(path, now(), processes);
    if (held) return held;
    const holder = await readHolder(path);
    const abandoned =
      holder !== undefined &&
      ((holder.host === hostname() && holderIsGone(holder, processes)) ||
        now() - holder.since > staleAfterMs);
    if (abandoned) {
      await takeOver(path, holder, now());
      continue;
    }
    if (holder === undefined && (await ageMs(path, now())) > 10_000) {
      // An empty lock file: its creator died between creating and writing it.
      await rm(path, { force: true });
      continue;
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    if (now() >= deadline) {
      throw new KentraError('cache.locked', `another kentra process still holds ${path}`, {
        hint:
          `Process ${holder?.pid ?? '(unknown)'} has been signing in for this account longer than ` +
          `${Math.round(timeoutMs / 1000)}s. Finish or cancel that sign-in, or delete the .lock file if no kentra is running.`,
        details: { holder },
      });
    }
    await pause(pollMs);
  }
}

/**
 * Removes an abandoned lock. Two waiters may judge the same lock abandoned; a
 * `.takeover` guard makes sure only one removes it, and only while it still
 * belongs to the holder that was judged (not a fresh lock taken meanwhile).
 */
async function takeOver(path: string, judged: LockHolder, now: number): Promise<void> {
  const guardPath = `${path}.takeover`;
  const guard = await tryCreate(guardPath, now, hostProcesses);
  if (!guard) {
    const guardHolder = await readHolder(guardPath);
    // A guard is held for microseconds; one older than a few seconds was left by a crash.
    if (guardHolder && now - guardHolder.since > 5_000) await rm(guardPath, { force: true });
    return;
  }
  try {
    const current = await readHolder(path);
    if (current && current.pid === judged.pid && current.since === judged.since)
      await rm(path, { force: true });
  } finally {
    await guard.release();
  }
}

/** The holder's process has ended, or its PID now names another process (a different start time). */
function holderIsGone(holder: LockHolder, processes: ProcessTable): boolean {
  if (!processes.isAlive(holder.pid)) return true;
  if (holder.started === undefined) return false;
  const current = processes.startTime(holder.pid);
  return current !== undefined && current !== holder.started;
}

async function tryCreate(
  path: string,
  since: number,
  processes: ProcessTable,
): Promise<HeldLock | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  const started = processes.startTime(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostname(), since, ...(started ? { started } : {}) };
  try {
    await handle.writeFile(JSON.stringify(me));
  } finally {
    await handle.close();
  }
  return {
    async release() {
      // Only remove the file if it is still ours (it may have been taken over as stale).
      const holder = await readHolder(path);
      if (holder && holder.pid === me.pid && holder.since === me.since) await rm(path, { force: true });
    },
  };
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'number')
      return {
        pid: value.pid,
        host: value.host,
        since: value.since,
        ...(typeof value.started === 'string' ? { started: value.started } : {}),
      };
  } catch {
    // Missing (just released) or being written right now: treated as busy, retried.
  }
  return undefined;
}

async function ageMs(path: string, now: number): Promise<number> {
  try {
    return now - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootId: string | undefined;

/**
 * `<boot id>:<start time in clock ticks>` for a process on Linux, from
 * /proc/sys/kernel/random/boot_id and field 22 of /proc/<pid>/stat (proc(5));
 * undefined elsewhere or when the process does not exist. The command name in
 * field 2 may hold spaces and parentheses, so fields are counted after the last ')'.
 */
export function procStartTime(pid: number): string | undefined {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22 overall; fields[0] is field 3 (state)
    return ticks && /^\d+$/.test(ticks) ? `${bootId}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}
