/**
 * Runs the fuzz targets on demand, with more cases or another seed than `npm test`:
 *
 *   npm run fuzz -- [--runs N] [--seed S] [--target NAME] [--path P]
 *   node --import tsx test/fuzz/run.ts --runs 1000000 --target jwt
 *
 * A failure prints the seed and path; pass both back to replay exactly that case.
 */
import { parseArgs } from 'node:util';
import { fuzz, seedOf } from './harness.js';
import { fuzzTargets } from './targets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    target: { type: 'string', multiple: true },
    path: { type: 'string' },
  },
});
const targets = (await fuzzTargets()).filter((t) => !values.target || values.target.includes(t.name));
if (targets.length === 0) throw new Error(`no target named ${values.target?.join(', ')}`);
let failed = 0;
for (const target of targets) {
  const seed = values.seed === undefined ? seedOf(target.name) : Number(values.seed);
  try {
    const report = await fuzz(target, { runs: Number(values.runs), seed, path: values.path });
    console.log(
      `${target.name}: ${report.runs} cases, seed ${seed}, ${report.seconds.toFixed(1)} s, heap ${report.heapGrowthMb.toFixed(0)} MB; ${JSON.stringify(report.outcomes)}`,
    );
  } catch (error) {
    failed++;
    const cause = (error as Error).cause;
    console.log(
      `${target.name}: FAILED (seed ${seed})\n${(error as Error).message}${cause instanceof Error ? `\ncause: ${cause.message}` : ''}`,
    );
  }
}
process.exitCode = failed > 0 ? 1 : 0;
