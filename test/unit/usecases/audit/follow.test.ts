import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emptyFilter } from '../../../../src/domain/audit/trail-filter.js';
import { runAudit } from '../../../../src/usecases/audit.js';
import { auditEvent, signIn } from '../../domain/audit/fixtures.js';
import { offlineAuditDeps } from './offline-deps.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kentra-audit-follow-'));
  await writeFile(join(dir, 'signins.json'), JSON.stringify([signIn()]));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runAudit --follow', () => {
  it('writes records as the API server appends them and ends with the summary when interrupted', async () => {
    const log = join(dir, 'audit.log');
    await writeFile(log, `${JSON.stringify(auditEvent({ auditID: 'first' }))}\n`);
    let stdout = '';
    let stderr = '';
    let interrupt: (signal: string) => void = () => {};
    const interrupted = new Promise<string>((resolve) => {
      interrupt = resolve;
    });
    let waiter: { text: string; resolve: () => void } | undefined;
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        if (stdout.includes(text)) resolve();
        else waiter = { text, resolve };
      });
    const running = runAudit(
      {
        auditPaths: ['audit.log'],
        signInPaths: ['signins.json'],
        output: 'json',
        mappings: {},
        join: {},
        filter: emptyFilter,
        follow: true,
      },
      offlineAuditDeps(dir, {
        stdout: {
          write(text) {
            stdout += text;
            if (waiter && stdout.includes(waiter.text)) waiter.resolve();
          },
        },
        stderr: {
          write(text) {
            stderr += text;
          },
        },
        interrupted,
      }),
    );
    // Output is buffered in 64 KiB pieces, so a live trail must flush per chunk it reads.
    await seen('"auditId":"first"');
    await appendFile(log, `${JSON.stringify(auditEvent({ auditID: 'second' }))}\n`);
    await seen('"auditId":"second"');
    interrupt('SIGINT');
    const summary = await running;
    assert.equal(summary.events, 2);
    assert.equal(summary.joins.uti, 2);
    assert.match(stderr, /2 audit events read, 2 shown.*; 0 lines skipped; interrupted/);
  });
});
