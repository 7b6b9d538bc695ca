/**
 * Replaces a file's content so that a reader sees the old file or the new
 * one, never half of it: a temporary file in the same folder, then rename.
 *
 * A symlink is written through: the file it points to gets the new content
 * and the link stays a link (a dotfiles repository often owns
 * ~/.kube/config). kubectl's own write (client-go clientcmd `WriteToFile`,
 * os.WriteFile) also follows the link, but truncates in place; renaming over
 * the target is the atomic form of the same result. The file keeps its mode; a
 * new file gets `newFileMode`.
 */
import { chmod, lstat, mkdir, open, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Linux's own limit on links followed in one path lookup (MAXSYMLINKS). */
const maxLinks = 40;

/** Unique temporary names within this process ('wx' refuses a leftover of another). */
let writes = 0;

export interface AtomicWriteOptions {
  /** Mode of a file that does not exist yet (an existing file keeps its own). */
  newFileMode: number;
  /** Mode of folders created on the way. */
  newFolderMode: number;
}

/** Writes `text` into `path` (or the file its symlinks lead to); returns the file actually written. */
export async function replaceFile(path: string, text: string, options: AtomicWriteOptions): Promise<string> {
  const target = await followLinks(path);
  const mode = await stat(target).then(
    (info) => info.mode & 0o7777,
    () => options.newFileMode,
  );
  const folder = dirname(target);
  await mkdir(folder, { recursive: true, mode: options.newFolderMode });
  const temp = join(folder, `.${basename(target)}.${process.pid}.${++writes}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode given to open(); the file keeps exactly its old one.
    await chmod(temp, mode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}

/** The path a chain of symlinks leads to (the path itself when it is no link, or does not exist). */
async function followLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= maxLinks; hops++) {
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' });
}
