import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signInFiles } from '../../../../src/adapters/audit/sign-in-files.js';
import { signIn } from '../../domain/audit/fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kentra-signin-files-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, text: string) {
  await writeFile(join(dir, name), text);
  const signIns: string[] = [];
  const audits: string[] = [];
  const skipped: string[] = [];
  await signInFiles([name], dir).load({
    signIn: (s) => signIns.push(s.id ?? '?'),
    directoryAudit: (a) => audits.push(a.id ?? '?'),
    skipped: (where, line, why) => skipped.push(`${where}:${line ?? '-'}: ${why}`),
  });
  return { signIns, audits, skipped };
}

const a = signIn({ id: 'a' });
const b = signIn({ id: 'b' });
const audit = {
  id: 'd',
  activityDisplayName: 'Add member to group',
  activityDateTime: '2026-11-29T04:00:00Z',
};

describe('sign-in files', () => {
  it('reads a JSON array', async () => {
    assert.deepEqual((await load('array.json', JSON.stringify([a, b]))).signIns, ['a', 'b']);
  });

  it('reads a Graph page and tells sign-ins from directory audits by shape', async () => {
    const page = { '@odata.context': 'x', '@odata.nextLink': 'y', value: [a, audit] };
    const result = await load('page.json', JSON.stringify(page, null, 2));
    assert.deepEqual(result.signIns, ['a']);
    assert.deepEqual(result.audits, ['d']);
  });

  it('reads JSON lines of records and of pages, reporting corrupt lines with file and line', async () => {
    const text = `${JSON.stringify(a)}\n{"id":"broken",\n\n${JSON.stringify({ value: [b] })}\n{"hello":1}\n`;
    const result = await load('lines.jsonl', text);
    assert.deepEqual(result.signIns, ['a', 'b']);
    assert.equal(result.skipped.length, 2);
    assert.match(result.skipped[0] ?? '', /^lines\.jsonl:2: not valid JSON/);
    assert.equal(
      result.skipped[1],
      'lines.jsonl:5: neither a Graph signIn, a directoryAudit nor a PIM schedule request',
    );
  });

  it('accepts Log Analytics "SessionId" spelling', async () => {
    const seen: (string | undefined)[] = [];
    await writeFile(join(dir, 'la.json'), JSON.stringify([{ ...a, sessionId: undefined, SessionId: 'S-1' }]));
    await signInFiles(['la.json'], dir).load({
      signIn: (s) => seen.push(s.sessionId),
      directoryAudit: () => {},
      skipped: () => {},
    });
    assert.deepEqual(seen, ['S-1']);
  });
});
