/**
 * Runs one fuzz target: a fast-check property over hostile inputs where every
 * case must end in a result the target accepts or a KentraError with a code.
 * Any other exception, a case slower than `caseTimeoutMs` (a hang) or heap
 * growth beyond `maxHeapGrowthMb` fails the run with the seed and path that
 * replay it:
 *
 *   node --import tsx test/fuzz/run.ts --target NAME --seed SEED --path PATH
 */
import fc from 'fast-check';
import { KentraError } from '../../src/errors.js';

export interface FuzzTarget<T = unknown> {
  name: string;
  /** What the fuzzed input is, for the report. */
  input: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs the parser; returns normally when the result is correct, throws an AssertionError when not. */
  run(input: T): unknown;
  /** Seconds of setup outside the cases (keys, servers); made once per run. */
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  path?: string;
  caseTimeoutMs?: number;
  maxHeapGrowthMb?: number;
}

export interface FuzzReport {
  target: string;
  runs: number;
  seed: number;
  /** How the cases ended: `ok`, or `KentraError <code>`. */
  outcomes: Record<string, number>;
  seconds: number;
  heapGrowthMb: number;
}

/** A thrown value that is not a KentraError with a code: what the fuzzing looks for. */
export class UnexpectedException extends Error {
  constructor(readonly thrown: unknown) {
    super(
      `expected a result or a KentraError with a code, got ${
        thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack ?? ''}` : String(thrown)
      }`,
    );
  }
}

/** Stable default seed per target, so `npm test` replays the same cases every time. */
export function seedOf(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash | 0;
}

export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const outcomes: Record<string, number> = {};
  const count = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  // A hang detector, not a timing test: generous, so a loaded machine never trips it.
  const caseTimeoutMs = options.caseTimeoutMs ?? 10_000;
  await target.setup?.();
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(target.arbitrary, async (input) => {
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`case took more than ${caseTimeoutMs} ms`)),
            caseTimeoutMs,
          );
        });
        try {
          await Promise.race([Promise.resolve().then(() => target.run(input)), hang]);
          count('ok');
        } catch (error) {
          if (error instanceof KentraError && typeof error.code === 'string' && error.code.length > 0)
            count(`KentraError ${error.code}`);
          else throw error instanceof UnexpectedException ? error : new UnexpectedException(error);
        } finally {
          clearTimeout(timer);
        }
      }),
      {
        numRuns: options.runs,
        seed: options.seed,
        ...(options.path ? { path: options.path } : {}),
        endOnFailure: false,
      },
    );
  } finally {
    await target.teardown?.();
  }
  const seconds = (performance.now() - started) / 1000;
  globalThis.gc?.();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const maxGrowth = options.maxHeapGrowthMb ?? 256;
  if (heapGrowthMb > maxGrowth)
    throw new Error(
      `${target.name}: heap grew by ${heapGrowthMb.toFixed(0)} MB over ${options.runs} cases (limit ${maxGrowth} MB)`,
    );
  return { target: target.name, runs: options.runs, seed: options.seed, outcomes, seconds, heapGrowthMb };
}
