/**
 * Checks (and where it may, provides) what the end-to-end tests need; prints the
 * summary and exits 1 when something is missing. test/run.ts does the same before
 * the first e2e test; this is the way to run the check alone.
 *
 *   node --import tsx test/prerequisites.ts      (npm run prerequisites)
 */
import { ensurePrerequisites } from './harness/prerequisites.js';

const result = await ensurePrerequisites({
  env: process.env,
  isRoot: process.getuid?.() === 0,
  log: (line) => console.error(line),
});
process.exitCode = result.ok ? 0 : 1;
