import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { auditLogSources, followFile } from '../../../../src/adapters/audit/audit-log-sources.js';
import { splitLines } from '../../../../src/adapters/audit/line-splitter.js';
import { isKentraError } from '../../../../src/errors.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kentra-audit-sources-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(paths: string[], stdin: NodeJS.ReadableStream = Readable.from([])): Promise<string[]> {
  const out: string[] = [];
  for (const source of await auditLogSources(paths, { stdin, cwd: dir }))
    await splitLines(source.chunks(), { onLine: (text) => out.push(`${source.name}:${text}`) });
  return out;
}

describe('audit log sources', () => {
  it('reads a folder of rotated logs oldest first, gzip included', async () => {
    const logs = join(dir, 'rotated');
    await mkdir(logs);
    // kube-apiserver's rotation names backups audit-<time>.log (and .log.gz with --audit-log-compress).
    await writeFile(join(logs, 'audit-2026-11-29T03-00-00.000.log.gz'), gzipSync('{"n":1}\n{"n":2}\n'));
    await writeFile(join(logs, 'audit-2026-11-29T04-00-00.000.log'), '{"n":3}\n');
    await writeFile(join(logs, 'audit.log'), '{"n":4}\n');
    await utimes(join(logs, 'audit-2026-11-29T03-00-00.000.log.gz'), 1000, 1000);
    await utimes(join(logs, 'audit-2026-11-29T04-00-00.000.log'), 2000, 2000);
    await utimes(join(logs, 'audit.log'), 3000, 3000);
    assert.deepEqual(await readAll(['rotated']), [
      'rotated/audit-2026-11-29T03-00-00.000.log.gz:{"n":1}',
      'rotated/audit-2026-11-29T03-00-00.000.log.gz:{"n":2}',
      'rotated/audit-2026-11-29T04-00-00.000.log:{"n":3}',
      'rotated/audit.log:{"n":4}',
    ]);
  });

  it('reads stdin for "-", in argument order with files', async () => {
    await writeFile(join(dir, 'one.log'), '{"f":1}\n');
    assert.deepEqual(await readAll(['one.log', '-'], Readable.from([Buffer.from('{"s":1}\n')])), [
      'one.log:{"f":1}',
      'stdin:{"s":1}',
    ]);
  });

  it('says which path is missing', async () => {
    await assert.rejects(
      readAll(['nope.log']),
      (error) =>
        isKentraError(error) && /--k8s-audit nope\.log: cannot read it \(ENOENT\)/.test(error.message),
    );
  });
});

describe('followFile', () => {
  it('yields what is appended, follows a rotation to the new file, and ends when stopped', async () => {
    const path = join(dir, 'live.log');
    await writeFile(path, '{"n":1}\n');
    let stop: (value: unknown) => void = () => {};
    const stopped = new Promise((resolve) => {
      stop = resolve;
    });
    const seen: string[] = [];
    let waiting: { count: number; resolve: () => void } | undefined;
    const reached = (count: number) =>
      new Promise<void>((resolve) => {
        if (seen.length >= count) resolve();
        else waiting = { count, resolve };
      });
    const done = splitLines(followFile(path, 0, stopped), {
      onLine: (text) => {
        seen.push(text);
        if (waiting && seen.length >= waiting.count) waiting.resolve();
      },
    });
    await reached(1);
    await appendFile(path, '{"n":2}\n{"n":');
    await appendFile(path, '3}\n');
    await reached(3);
    await rename(path, join(dir, 'live-rotated.log'));
    await writeFile(path, '{"n":4}\n');
    await reached(4);
    stop('test over');
    await done;
    assert.deepEqual(seen, ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
  });
});
