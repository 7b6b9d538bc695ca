/**
 * The two I/O calls of `kentra get-token`'s cache hit (kubectl runs it before
 * every command): read one small file, write one small answer to stdout. Each
 * uses the cheapest call of the runtime it runs on:
 *
 * - Node (`dist/bin/kentra.js`): synchronous `node:fs` calls. An asynchronous
 *   read starts libuv's thread pool (four threads) and hops to it and back; on a
 *   busy machine that costs more than the read. `node:fs` is loaded with
 *   require(): an ESM import of it evaluates every export, stream classes
 *   included (measured with process.moduleLoadList).
 * - Bun (the compiled binary, scripts/release/): `Bun.mmap` and `Bun.write`.
 *   Loading `node:fs` costs Bun about 2 ms of CPU, a third of the whole cache hit
 *   (bench/get-token.ts); Bun's own calls cost nothing to load, and mapping the
 *   file reads it in ~0.1 ms where the asynchronous `Bun.file().text()` takes
 *   ~0.5 ms. Mapping is safe here because the token cache never rewrites a file
 *   in place (it writes a new file and renames it over the old one), so a mapped
 *   file never shrinks under the reader.
 *
 * Both are loaded lazily, on first use, so nothing here runs unless needed.
 */
import { createRequire } from 'node:module';

/** The part of Bun's global this module uses (kentra does not depend on Bun's types). */
interface BunIo {
  mmap(path: string): Uint8Array;
  write(destination: unknown, data: Uint8Array): Promise<number>;
  readonly stdout: unknown;
}

const bun = (globalThis as { Bun?: BunIo }).Bun;

let nodeFs: typeof import('node:fs') | undefined;
const fs = () => {
  nodeFs ??= createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
  return nodeFs;
};

/** The file's text, or undefined when it cannot be read. */
export async function readTextQuickly(path: string): Promise<string | undefined> {
  try {
    return bun ? new TextDecoder().decode(bun.mmap(path)) : fs().readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes `bytes` to stdout (fd 1) without building `process.stdout`; returns how
 * many were written. On Node that may be fewer than all when stdout is a
 * non-blocking pipe that is full (EAGAIN): the caller finishes through the stream.
 */
export async function writeStdoutQuickly(bytes: Uint8Array): Promise<number> {
  if (bun) return bun.write(bun.stdout, bytes).catch(() => 0);
  let offset = 0;
  try {
    // A pipe takes a small ExecCredential in one write; a partial write is continued.
    while (offset < bytes.length) offset += fs().writeSync(1, bytes, offset);
  } catch {
    // EAGAIN on a non-blocking stdout: the caller finishes what is left.
  }
  return offset;
}
