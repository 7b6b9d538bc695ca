/**
 * runAudit's dependencies for a run over files in `cwd` with nothing else
 * around: no stdin, no ./kentra.yaml, no Graph; stdout and stderr go where
 * the test says.
 */
import { Readable } from 'node:stream';
import type { TextSink } from '../../../../src/ports/text-sink.js';
import type { AuditDeps } from '../../../../src/usecases/audit.js';

export function offlineAuditDeps(
  cwd: string,
  sinks: { stdout: TextSink; stderr: TextSink; interrupted?: Promise<unknown> },
): AuditDeps {
  return {
    stdout: sinks.stdout,
    stderr: sinks.stderr,
    stdin: Readable.from([]),
    cwd,
    now: Date.now,
    interrupted: sinks.interrupted ?? new Promise(() => {}),
    colour: false,
    progress: false,
    productVersion: '0.0.0',
    env: {},
    readText: async () => {
      throw Object.assign(new Error('absent'), { code: 'ENOENT' });
    },
    openGraph: async () => {
      throw new Error('no Graph in this test');
    },
  };
}
