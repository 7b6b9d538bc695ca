/** The real CliContext of a kentra process (src/bin builds it once). */
import type { CliContext } from '../ports/cli-context.js';

export function processContext(): CliContext {
  let interrupted: Promise<string> | undefined;
  // process.stdin/stdout/stderr are getters that build stream objects, and
  // signal handlers load their own binding; creating them only when used keeps
  // `kentra get-token`'s cache hit (run by kubectl before every command) from
  // paying for what it never needs.
  return {
    stdout: { write: (text) => process.stdout.write(text) },
    stderr: { write: (text) => process.stderr.write(text) },
    get stdin() {
      return process.stdin;
    },
    get stdoutIsTTY() {
      return process.stdout.isTTY === true;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    get interrupted() {
      interrupted ??= new Promise<string>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
      });
      return interrupted;
    },
  };
}
