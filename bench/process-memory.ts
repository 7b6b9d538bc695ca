/**
 * Runs a command and samples its resident memory from /proc (Linux) while it
 * runs: the peak (VmHWM) and the largest sample in each quarter of the run
 * (flat memory shows no upward trend). Shared by the audit benchmarks.
 */
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';

export interface Measured {
  seconds: number;
  /** Peak resident memory (VmHWM), MB; undefined where /proc is not available. */
  peakRssMb: number | undefined;
  /** Largest resident memory sampled in each quarter of the run, MB: flat memory means no upward trend. */
  quarterPeaksMb: number[];
  status: number | null;
  stderr: string;
}

/** VmRSS and VmHWM of a running process from /proc (Linux), in MB. */
async function memoryOf(pid: number): Promise<{ rss: number; hwm: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Runs a command with stdout to /dev/null, sampling its memory every 100 ms. */
export async function measure(command: string, commandArgs: readonly string[]): Promise<Measured> {
  const devNull = await open('/dev/null', 'w');
  const began = process.hrtime.bigint();
  const child = spawn(command, [...commandArgs], { stdio: ['ignore', devNull.fd, 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const samples: { at: number; rss: number }[] = [];
  let peak: number | undefined;
  const sampler = setInterval(async () => {
    const memory = child.pid === undefined ? undefined : await memoryOf(child.pid);
    if (!memory || Number.isNaN(memory.rss)) return;
    samples.push({ at: Number(process.hrtime.bigint() - began) / 1e9, rss: memory.rss });
    peak = Math.max(peak ?? 0, memory.hwm);
  }, 100);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await devNull.close();
  if (status !== 0) process.stderr.write(stderr);
  const quarterPeaksMb = [0, 1, 2, 3].map((q) =>
    Math.max(
      0,
      ...samples.filter((x) => x.at >= (q * seconds) / 4 && x.at < ((q + 1) * seconds) / 4).map((x) => x.rss),
    ),
  );
  return { seconds, peakRssMb: peak, quarterPeaksMb, status, stderr };
}
