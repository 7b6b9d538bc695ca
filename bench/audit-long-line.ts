/**
 * Memory of `kentra audit` when an audit log holds one huge line (a hostile or
 * broken writer): before the line cap a 60 MB line cost 1.1 GB of RSS. The same
 * 2,000 ordinary events are read twice, once alone and once with a 60 MB line
 * in the middle; the peak RSS of the second over the first is the figure
 * (budget: about 1, memory stays flat). Also checks the line is reported as
 * FILE:LINE skipped.
 *
 *   npm run build && node --import tsx bench/audit-long-line.ts [--line-mb 60]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure } from './process-memory.js';

const { values } = parseArgs({ options: { 'line-mb': { type: 'string', default: '60' } } });
const lineMb = Number(values['line-mb']);
const kentraBin = fileURLToPath(new URL('../dist/bin/kentra.js', import.meta.url));
if (!existsSync(kentraBin)) throw new Error('dist/bin/kentra.js is missing: run `npm run build` first');

const event = (i: number) =>
  `${JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/team-a/pods',
    verb: 'list',
    user: { username: `entra:user-${i % 50}`, groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', namespace: 'team-a', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: new Date(Date.parse('2026-11-29T04:00:00Z') + i * 1000).toISOString(),
  })}\n`;

async function writeLog(path: string, withLongLine: boolean): Promise<void> {
  const file = await open(path, 'w');
  for (let i = 0; i < 2000; i++) {
    if (withLongLine && i === 1000) {
      await file.write('{"kind":"Event","requestURI":"');
      const block = 'x'.repeat(1024 * 1024);
      for (let mb = 0; mb < lineMb; mb++) await file.write(block);
      await file.write('"}\n');
    }
    await file.write(event(i));
  }
  await file.close();
}

const dir = await mkdtemp(join(tmpdir(), 'kentra-bench-long-line-'));
try {
  const plain = join(dir, 'plain.log');
  const long = join(dir, 'long.log');
  await writeLog(plain, false);
  await writeLog(long, true);
  const run = (log: string) =>
    measure(process.execPath, [kentraBin, 'audit', '--k8s-audit', log, '-o', 'json']);
  const base = await run(plain);
  const hostile = await run(long);
  const mb = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);
  console.log(
    `2,000 events:                   peak RSS ${mb(base.peakRssMb)}  (${base.seconds.toFixed(2)} s)`,
  );
  console.log(
    `same + one ${lineMb} MB line:         peak RSS ${mb(hostile.peakRssMb)}  (${hostile.seconds.toFixed(2)} s)`,
  );
  if (base.peakRssMb !== undefined && hostile.peakRssMb !== undefined)
    console.log(`ratio (budget ~1, flat):        ${(hostile.peakRssMb / base.peakRssMb).toFixed(2)}`);
  console.log(`reported as skipped:            ${/long\.log:1001: skipped/.test(hostile.stderr)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
