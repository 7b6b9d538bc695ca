/**
 * A synchronous file read for the cache-hit path. An asynchronous read starts
 * libuv's thread pool (four threads) and hops to it and back several times; on
 * a busy machine that costs more than the read itself, on a path kubectl runs
 * before every command. `node:fs` is loaded with require(): an ESM import of it
 * evaluates every export, stream classes included (see bench/get-token.ts).
 */
import { createRequire } from 'node:module';

const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** The file's text, or undefined when it cannot be read. */
export function readTextNow(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
