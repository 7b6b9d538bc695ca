import { Readable } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kentra in-process with captured stdio and the given environment and clock. */
export async function runCli(
  argv: readonly string[],
  overrides: Partial<Omit<CliContext, 'stdout' | 'stderr'>> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
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
