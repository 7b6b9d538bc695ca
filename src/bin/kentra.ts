// The executable. The only place that touches `process` for real and the only
// place allowed to call process.exit.
import { createRequire } from 'node:module';
import { processContext } from '../cli/context.js';
import { answerFromCache } from './get-token-fast.js';

// `import ... from 'node:fs'` would evaluate every export of fs, streams included;
// require() does not (measured with process.moduleLoadList; see the comment below).
const { writeSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

const argv = process.argv.slice(2);
const ctx = processContext();
// kubectl runs `kentra get-token` before every command: a valid cached token is
// answered before the command tree (commander) is loaded at all, and written
// with one write(2) rather than through process.stdout, whose stream machinery
// costs more than the rest of the cache hit (bench/get-token.ts).
const cached = argv[0] === 'get-token' ? await answerFromCache(argv.slice(1), ctx) : undefined;
const answeredFromCache = cached !== undefined && writeAll(cached);
const status = answeredFromCache ? 0 : await (await import('../cli/main.js')).main(argv, ctx);
// process.exit does not wait for a pipe's pending writes: a large `-o json | jq`
// would lose its tail. An empty write's callback runs after everything before it.
// (The cache-hit answer above was written synchronously and needs no drain.)
if (!answeredFromCache) {
  await Promise.all(
    [process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))),
  );
}
process.exit(status);

function writeAll(text: string): boolean {
  const bytes = Buffer.from(text);
  try {
    // A pipe takes a small ExecCredential in one write; a partial write is finished below.
    let offset = writeSync(1, bytes);
    while (offset < bytes.length) offset += writeSync(1, bytes, offset);
    return true;
  } catch {
    // EAGAIN on a non-blocking stdout before anything was written: the full path answers instead.
    return false;
  }
}
