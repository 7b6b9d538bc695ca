import { createReadStream, type Stats, watch } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { KentraError } from '../../errors.js';

/**
 * Where Kubernetes audit lines come from: files, directories of rotated files
 * (kube-apiserver's --audit-log-maxbackup rotation, gzip-compressed or not) and
 * stdin (`-`). Each source is a stream of byte chunks.
 */
export interface AuditLogSource {
  /** The path (or "stdin") used in messages: "audit.log:1234: ...". */
  readonly name: string;
  chunks(): AsyncIterable<Buffer | string>;
  /** Present for the source that `--follow` keeps reading after its end. */
  readonly followable?: string;
}

const chunkBytes = 1 << 20;

export interface SourceOptions {
  stdin: NodeJS.ReadableStream;
  cwd: string;
}

/**
 * Expands the `--k8s-audit` arguments in order. A directory contributes its
 * regular files oldest first (by modification time, then name), so a rotated
 * set reads as one chronological log; the newest file is the one to follow.
 */
export async function auditLogSources(
  paths: readonly string[],
  options: SourceOptions,
): Promise<AuditLogSource[]> {
  const sources: AuditLogSource[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: 'stdin', chunks: () => options.stdin as AsyncIterable<Buffer | string> });
      continue;
    }
    const absolute = resolve(options.cwd, path);
    const info = await statOrThrow(absolute, path);
    if (info.isDirectory()) {
      const files = await filesOldestFirst(absolute, path);
      if (files.length === 0)
        throw new KentraError('io.read', `--k8s-audit ${path}: the directory holds no files`, {
          hint: 'Point --k8s-audit at the folder of kube-apiserver --audit-log-path, or at the log file itself.',
        });
      for (const file of files) sources.push(fileSource(file.path, file.shown));
    } else {
      sources.push(fileSource(absolute, path));
    }
  }
  return sources;
}

function fileSource(path: string, shown: string): AuditLogSource {
  const gz = path.endsWith('.gz');
  return {
    name: shown,
    chunks: () => {
      const raw = createReadStream(path, { highWaterMark: chunkBytes });
      return gz ? raw.pipe(createGunzip({ chunkSize: 1 << 16 })) : raw;
    },
    followable: gz ? undefined : path,
  };
}

async function statOrThrow(path: string, shown: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw new KentraError(
      'io.read',
      `--k8s-audit ${shown}: cannot read it (${(error as NodeJS.ErrnoException).code})`,
      {
        cause: error,
        hint: 'Give the path of the API server audit log (--audit-log-path), a folder of rotated logs, or - for stdin.',
      },
    );
  }
}

async function filesOldestFirst(dir: string, shownDir: string): Promise<{ path: string; shown: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map(async (entry) => {
        const path = join(dir, entry.name);
        return { path, shown: join(shownDir, entry.name), mtime: (await stat(path)).mtimeMs };
      }),
  );
  files.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
  return files;
}

/**
 * Reads a file from `offset` to its current end, then waits for it to grow
 * (fs.watch on its folder, with a one-second re-check because watch events can
 * be lost) until `stopped` resolves. A file replaced by rotation is read to its
 * end and the new file at the same path is read from the start; a truncated file
 * is read again from the start.
 */
export async function* followFile(
  path: string,
  offset: number,
  stopped: Promise<unknown>,
): AsyncIterable<Buffer> {
  let stop = false;
  void stopped.then(() => {
    stop = true;
    wake();
  });
  let wake: () => void = () => {};
  const watcher = watch(dirname(path), (_event, name) => {
    if (name === null || name === basename(path)) wake();
  });
  const waitForChange = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let handle = await open(path, 'r');
  let inode = (await handle.stat()).ino;
  let position = offset;
  const buffer = Buffer.allocUnsafe(chunkBytes);
  try {
    while (!stop) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield Buffer.from(buffer.subarray(0, bytesRead));
        continue;
      }
      const now = await stat(path).catch(() => undefined);
      if (now && now.ino !== inode) {
        // Rotated: the old file is fully read; continue with the new one.
        await handle.close();
        handle = await open(path, 'r');
        inode = now.ino;
        position = 0;
        continue;
      }
      if (now && now.size < position) position = 0; // truncated in place
      await waitForChange();
    }
  } finally {
    watcher.close();
    await handle.close();
  }
}
