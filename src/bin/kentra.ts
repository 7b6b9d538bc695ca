// The executable. The only place that touches `process` for real and the only
// place allowed to call process.exit. Built as one CommonJS file for Node
// (scripts/build.mjs) and as a single-file executable with Bun (scripts/release/).
import { writeStdoutQuickly } from '../adapters/hot-path-io.js';
import { processContext } from '../cli/context.js';
import { answerFromCache } from '../cli/get-token.js';

async function run(argv: readonly string[]): Promise<number> {
  const ctx = processContext();
  // kubectl runs `kentra get-token` before every command: a valid cached token is
  // answered before the command tree (commander, MSAL) is loaded at all, and written
  // with one write(2) rather than through process.stdout, whose stream machinery
  // costs more than the rest of the cache hit (bench/get-token.ts).
  const cached = argv[0] === 'get-token' ? await answerFromCache(argv.slice(1), ctx) : undefined;
  if (cached !== undefined) {
    const bytes = Buffer.from(cached);
    const written = await writeStdoutQuickly(bytes);
    if (written === bytes.length) return 0;
    // stdout would block (non-blocking pipe): finish through the stream, never repeating a byte.
    if (written > 0) {
      await new Promise((done) => process.stdout.write(bytes.subarray(written), done));
      return 0;
    }
  }
  let status: number | undefined;
  // `kentra ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(status ?? 0);
    throw error;
  });
  const { main } = await import('../cli/main.js');
  status = await main(argv, ctx);
  // process.exit does not wait for a pipe's pending writes: a large `-o json | jq`
  // would lose its tail. An empty write's callback runs after everything before it.
  await Promise.all(
    [process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))),
  );
  return status;
}

void run(process.argv.slice(2)).then((status) => process.exit(status));
