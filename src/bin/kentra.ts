// The executable. The only place that touches `process` for real and the only
// place allowed to call process.exit.
import { processContext } from '../cli/context.js';
import { main } from '../cli/main.js';

const status = await main(process.argv.slice(2), processContext());
// process.exit does not wait for a pipe's pending writes: a large `-o json | jq`
// would lose its tail. An empty write's callback runs after everything before it.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))),
);
process.exit(status);
