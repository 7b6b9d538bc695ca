import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/ports/cli-context.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions extends Partial<Omit<CliContext, 'stdout' | 'stderr'>> {
  /** Sees each chunk as it is written (to react to a prompt, or to "started"), besides the capture. */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
}

/** Runs kentra in-process with captured stdio and the given environment and clock. */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const { onStdout, onStderr, ...overrides } = options;
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: {
      write: (text) => {
        stdout += text;
        onStdout?.(text);
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
        onStderr?.(text);
      },
    },
    stdin: Readable.from([]),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
    now: Date.now,
    interrupted: new Promise(() => {}),
    ...overrides,
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}
