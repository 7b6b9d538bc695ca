import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const running = new Set<ChildProcess>();

// If the test process dies (a failed assertion, an uncaught error, Ctrl-C),
// take every server it started with it: no orphan etcd or apiserver is left.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  /** Rejects if the process exits before stop() is called. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts a long-running process whose output goes to a log file (shown on failure by the caller). */
export function startDaemon(
  name: string,
  command: string,
  args: readonly string[],
  logPath: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Daemon {
  const log = createWriteStream(logPath);
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  running.add(child);
  let stopping = false;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      running.delete(child);
      log.end();
      if (stopping) resolve(code);
      else reject(new Error(`${name} exited unexpectedly with status ${code}; see ${logPath}`));
    });
  });
  exited.catch(() => {}); // observed by whoever awaits readiness; avoid an unhandled rejection
  return {
    name,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and captures its output. */
export async function run(
  command: string,
  args: readonly string[],
  options: {
    input?: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Sees stderr as it arrives (to answer a prompt), besides the capture. */
    onStderr?: (text: string) => void;
  } = {},
): Promise<RunResult> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(chunk);
  });
  // A child may exit before reading its input (kubectl failing fast): that EPIPE
  // is the child's business, shown by its exit status, not a crash of the test.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  running.delete(child);
  return { code: code ?? -1, stdout, stderr };
}

/**
 * Runs one of tools/*.sh, which builds or installs a test dependency into the per-machine cache (or
 * reuses it) and prints the folder on stdout; its progress lines go to `log`.
 */
export async function runToolScript(script: string, log: (line: string) => void): Promise<string> {
  const result = await run('bash', [script], {
    onStderr: (chunk) => {
      for (const line of chunk.split('\n')) if (line.trim()) log(line);
    },
  });
  if (result.code !== 0) throw new Error(`${script} failed (status ${result.code}); see the lines above`);
  return result.stdout.trim();
}
