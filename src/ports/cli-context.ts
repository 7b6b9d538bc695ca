import type { TextSink } from './text-sink.js';

/**
 * Everything impure a command may touch, passed in from the entry point so that
 * tests build the same object graph with fakes. Commands never reach for
 * `process`, the clock or the network directly; the composition root
 * (src/composition/) builds the adapters from it.
 */
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
