/**
 * The fuzz cases `npm test` runs: 10,000 seeded cases per parser (override with
 * KENTRA_FUZZ_RUNS; replay one failure with test/fuzz/run.ts and the seed and
 * path it prints). Each test file runs a share of the targets, so the test
 * runner spreads them over its workers.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzz, seedOf } from './harness.js';
import { fuzzTargets } from './targets.js';

export const fuzzRuns = Number(process.env.KENTRA_FUZZ_RUNS ?? 10_000);

export async function fuzzEach(names: readonly string[]): Promise<void> {
  const targets = (await fuzzTargets()).filter((target) => names.includes(target.name));
  assert.equal(targets.length, names.length, 'every named target exists');
  for (const target of targets)
    it(`${target.name}: ${fuzzRuns} hostile inputs end in a result or a KentraError (${target.input})`, {
      timeout: 180_000,
    }, async () => {
      const report = await fuzz(target, { runs: fuzzRuns, seed: seedOf(target.name) });
      assert.equal(
        Object.values(report.outcomes).reduce((a, b) => a + b, 0),
        fuzzRuns,
        'every case ran',
      );
      assert.ok(report.outcomes.ok, 'some cases are valid input: the fuzzing reaches past the first check');
    });
}
