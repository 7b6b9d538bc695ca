/**
 * Everything impure a command may touch, passed in from the entry point so that
 * tests build the same object graph with fakes. Commands never reach for
 * `process`, the clock or the network directly.
 */
export interface TextSink {
  write(text: string): void;
}

export interface CliContext {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: NodeJS.ReadableStream;
  /** Whether stdout/stderr are terminals (colour, progress, prompts). */
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Resolves when the user interrupts (Ctrl-C / SIGTERM); long-running commands await it. */
  readonly interrupted: Promise<string>;
}

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
