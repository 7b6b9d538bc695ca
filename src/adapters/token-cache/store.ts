/**
 * The token cache on disk: one 0600 JSON file per key in a 0700 folder,
 * replaced atomically (write a temporary file, then rename) so a reader never
 * sees half an entry, even with many kubectl processes at once.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KentraError } from '../../errors.js';
import { readTextQuickly } from '../hot-path-io.js';
import { type CacheEntry, isCacheEntry } from './entry.js';
import { type CacheKey, cacheKeyId, sameKey } from './key.js';

let writes = 0;

export class TokenCacheStore {
  private ensured = false;

  /** `fileId` names an entry's file; it may collide (tests force that), the stored key decides. */
  constructor(
    readonly dir: string,
    private readonly fileId: (key: CacheKey) => string = cacheKeyId,
  ) {}

  entryPath(key: CacheKey): string {
    return join(this.dir, `${this.fileId(key)}.json`);
  }

  /** The entry for `key`, or undefined when there is none (or it is unreadable or for another key). */
  async read(key: CacheKey): Promise<CacheEntry | undefined> {
    const entry = await readEntryFile(this.entryPath(key));
    return entry && sameKey(entry.key, key) ? entry : undefined;
  }

  async write(entry: CacheEntry): Promise<void> {
    const path = this.entryPath(entry.key);
    // Unique per process and write; 'wx' below refuses to reuse a leftover name.
    const temp = `${path}.${process.pid}.${Date.now()}.${++writes}.tmp`;
    try {
      await this.ensureDir();
      await writeFile(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
    } catch (cause) {
      await rm(temp, { force: true }).catch(() => {});
      throw new KentraError('io.write', `cannot write the token cache in ${this.dir}`, {
        cause,
        hint: `Make ${this.dir} writable by you (or point KUBECACHEDIR elsewhere); until then every kubectl command signs in again.`,
      });
    }
  }

  /** Removes the entry for `key` (and any remembered failure); returns whether there was an entry. */
  async remove(key: CacheKey): Promise<boolean> {
    const path = this.entryPath(key);
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    await rm(path, { force: true });
    await this.clearFailure(key);
    return existed;
  }

  /**
   * Remembers that an interactive sign-in for `key` failed, so that the next
   * kubectl runs (an IDE polling every few seconds) do not open one browser tab
   * after another (int128/kubelogin#904, #1330; tsh keeps a lockfile for this).
   */
  async recordFailure(key: CacheKey, at: number, reason: string): Promise<void> {
    await this.ensureDir();
    await writeFile(this.failurePath(key), JSON.stringify({ at, reason }), { mode: 0o600 });
  }

  async lastFailure(key: CacheKey): Promise<{ at: number; reason: string } | undefined> {
    try {
      const value = JSON.parse(await readFile(this.failurePath(key), 'utf8')) as {
        at?: unknown;
        reason?: unknown;
      };
      return typeof value.at === 'number' ? { at: value.at, reason: String(value.reason ?? '') } : undefined;
    } catch {
      return undefined;
    }
  }

  async clearFailure(key: CacheKey): Promise<void> {
    await rm(this.failurePath(key), { force: true });
  }

  private failurePath(key: CacheKey): string {
    return join(this.dir, `${this.fileId(key)}.failed`);
  }

  /** Every readable entry (for `kentra logout --all` and listings). */
  async list(): Promise<{ path: string; entry: CacheEntry }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: { path: string; entry: CacheEntry }[] = [];
    for (const name of names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n)).sort()) {
      const path = join(this.dir, name);
      const entry = await readEntryFile(path);
      if (entry) out.push({ path, entry });
    }
    return out;
  }

  /** Creates the folder 0700, and tightens it if it exists with looser permissions. */
  async ensureDir(): Promise<void> {
    if (this.ensured) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const info = await stat(this.dir);
    if ((info.mode & 0o077) !== 0) await chmod(this.dir, 0o700);
    this.ensured = true;
  }
}

export async function readEntryFile(path: string): Promise<CacheEntry | undefined> {
  const text = await readTextQuickly(path);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isCacheEntry(value) ? value : undefined;
  } catch {
    // A damaged entry is a cache miss; the next sign-in replaces it.
    return undefined;
  }
}
