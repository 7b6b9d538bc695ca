// The executable. The only place that touches `process` for real and the only
// place allowed to call process.exit.
import { processContext } from '../cli/context.js';
import { main } from '../cli/main.js';

const status = await main(process.argv.slice(2), processContext());
process.exit(status);
