import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../../helpers/cli.js';
import { auditEvent, bobOid, groupAddAudit, signIn } from '../../domain/audit/fixtures.js';

let dir: string;
const esc = String.fromCharCode(27);
const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const allowed = auditEvent();
const denied = auditEvent({
  auditID: 'denied-1',
  verb: 'delete',
  objectRef: { resource: 'secrets', namespace: 'team-b', name: 'db', apiVersion: 'v1' },
  responseStatus: { code: 403 },
  annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
  requestReceivedTimestamp: '2026-11-29T04:20:00.000000Z',
});
const noExtras = auditEvent({
  auditID: 'heuristic-1',
  user: { username: `entra:${bobOid}`, groups: ['system:authenticated'] },
  requestReceivedTimestamp: '2026-11-29T04:30:00.000000Z',
});
const controller = auditEvent({
  auditID: 'system-1',
  user: { username: 'system:kube-controller-manager' },
  requestReceivedTimestamp: '2026-11-29T04:31:00.000000Z',
});
const groupAdd = groupAddAudit();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kentra-audit-cli-'));
  await writeFile(join(dir, 'signins.json'), JSON.stringify({ value: [signIn(), groupAdd] }));
  await writeFile(
    join(dir, 'audit.log'),
    line(allowed) +
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Met\n' +
      line(denied) +
      'not json at all\n' +
      line(noExtras) +
      line(controller),
  );
  // A 3 MiB line between two events: kube-apiserver never writes one; a hostile writer can.
  await writeFile(
    join(dir, 'long-line.log'),
    `${line(allowed)}{"kind":"Event","x":"${'x'.repeat(3 * 1024 * 1024)}"}\n${line(denied)}`,
  );
  await writeFile(join(dir, 'truncated.log'), `${line(allowed)}{"kind":"Event","verb":"ge`);
  const gz = gzipSync(line(allowed) + line(denied));
  await writeFile(join(dir, 'damaged.log.gz'), gz.subarray(0, gz.length - 12));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const audit = (args: string[], overrides: Parameters<typeof runCli>[1] = {}) =>
  runCli(['audit', ...args], { cwd: dir, now: () => Date.parse('2026-11-29T06:00:00Z'), ...overrides });

describe('kentra audit', () => {
  it('skips a line longer than the cap (default 1 MiB, --max-line-size) as FILE:LINE and reads on', async () => {
    const run = await audit(['--k8s-audit', 'long-line.log', '--signins', 'signins.json', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^kentra audit: long-line\.log:2: skipped: line longer than 1 MiB/m);
    const ids = run.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text).auditId);
    assert.deepEqual(ids.filter(Boolean), [allowed.auditID, 'denied-1']);
    const raised = await audit(['--k8s-audit', 'long-line.log', '--max-line-size', '4MiB', '-o', 'json']);
    assert.doesNotMatch(raised.stderr, /longer than/);
    assert.match(raised.stderr, /long-line\.log:2: /, 'read, then found not to be an audit event');
    const bad = await audit(['--k8s-audit', 'long-line.log', '--max-line-size', 'lots']);
    assert.equal(bad.code, 2);
  });

  it('prints one JSON record per audit event, reports corrupt lines with file:line, and counts them', async () => {
    const run = await audit(['--k8s-audit', 'audit.log', '--signins', 'signins.json', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const records = run.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    assert.deepEqual(
      records.map((r) => (r.kind === 'request' ? `${r.auditId}:${r.join.method}` : `change:${r.action}`)),
      ['change:added', `${allowed.auditID}:uti`, 'denied-1:uti', 'heuristic-1:heuristic', 'system-1:none'],
    );
    assert.match(run.stderr, /^kentra audit: audit\.log:2: corrupt or truncated line \(/m);
    assert.match(run.stderr, /^kentra audit: audit\.log:4: corrupt or truncated line \(/m);
    assert.match(
      run.stderr,
      /4 audit events read, 4 shown and 1 group changes; sign-in joined exactly for 2 \(uti 2, sid 0\), by heuristic for 1, not joined 1; 2 lines skipped/,
    );
    assert.doesNotMatch(
      run.stderr,
      /were joined by heuristic/,
      'exact joins happened, so no fallback notice',
    );
  });

  it('reports a truncated last line and a damaged gzip file, and still shows the rest', async () => {
    const run = await audit(['--k8s-audit', 'truncated.log', '--k8s-audit', 'damaged.log.gz', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /truncated\.log:2: corrupt or truncated line/);
    assert.match(run.stderr, /damaged\.log\.gz: compressed data is damaged/);
    assert.ok(run.stdout.split('\n').filter(Boolean).length >= 2, 'records before the damage are kept');
    assert.match(run.stderr, /; 2 lines skipped/);
  });

  it('reads a last line that only lacks its newline', async () => {
    await writeFile(join(dir, 'no-newline.log'), line(allowed) + JSON.stringify(denied));
    const run = await audit(['--k8s-audit', 'no-newline.log', '-o', 'json']);
    assert.equal(run.stdout.trim().split('\n').length, 2);
    assert.match(run.stderr, /2 audit events read.*; 0 lines skipped/);
  });

  it('falls back to the heuristic join and says so when events carry no uti/sid', async () => {
    const run = await audit(['--k8s-audit', '-', '--signins', 'signins.json', '-o', 'json'], {
      stdin: Readable.from([Buffer.from(line(noExtras))]),
    });
    assert.equal(run.code, 0, run.stderr);
    const record = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
    assert.equal(record.join.method, 'heuristic');
    assert.equal(record.from.signInIp, '203.0.113.7');
    assert.match(
      run.stderr,
      /no audit event carried a token id in user\.extra\["kentra\.dev\/uti"\] or \["kentra\.dev\/sid"\], so sign-ins were joined by heuristic/,
    );
  });

  it('--join-window bounds how long after its sign-in a token may be used', async () => {
    const args = ['--k8s-audit', '-', '--signins', 'signins.json', '-o', 'json'];
    const methodWith = async (extra: string[]) => {
      const run = await audit([...args, ...extra], { stdin: Readable.from([Buffer.from(line(noExtras))]) });
      return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '').join.method;
    };
    // The request came 25 minutes after the sign-in.
    assert.equal(await methodWith(['--join-window', '30m']), 'heuristic');
    assert.equal(await methodWith(['--join-window', '10m']), 'none');
    const bad = await audit([...args, '--join-window', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--join-window soon: not a duration/);
  });

  it('uses the extra keys given on the command line', async () => {
    const custom = auditEvent({
      user: { username: `entra:${bobOid}`, extra: { 'example.com/token-id': ['uti-bob-1'] } },
    });
    const run = await audit(
      [
        '--k8s-audit',
        '-',
        '--signins',
        'signins.json',
        '-o',
        'json',
        '--uti-extra-key',
        'example.com/token-id',
      ],
      {
        stdin: Readable.from([Buffer.from(line(custom))]),
      },
    );
    assert.equal(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '').join.method, 'uti');
  });

  it('filters: --denied, --user, --namespace, --since', async () => {
    const base = ['--k8s-audit', 'audit.log', '--signins', 'signins.json', '-o', 'json'];
    const ids = async (extra: string[]) =>
      (await audit([...base, ...extra])).stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((t) => JSON.parse(t).auditId ?? 'change');
    assert.deepEqual(await ids(['--denied']), ['denied-1']);
    assert.deepEqual(await ids(['--user', 'bob@contoso.example', '--namespace', 'team-a']), [
      allowed.auditID,
      'heuristic-1',
    ]);
    assert.deepEqual(await ids(['--since', '2026-11-29T04:25:00Z']), ['heuristic-1', 'system-1']);
    assert.deepEqual(await ids(['--user', 'alice@contoso.example']), ['change']);
  });

  it('writes OCSF: each joined sign-in once as 3002, before the 6003 events it explains', async () => {
    const run = await audit(['--k8s-audit', 'audit.log', '--signins', 'signins.json', '-o', 'ocsf']);
    const classes = run.stdout
      .trim()
      .split('\n')
      .map((t) => JSON.parse(t).class_uid);
    assert.deepEqual(classes, [3006, 3002, 6003, 6003, 6003, 6003]);
  });

  it('colours the table on a terminal, not with NO_COLOR, and never when piped', async () => {
    const args = ['--k8s-audit', 'audit.log', '--signins', 'signins.json'];
    const tty = await audit(args, { stdoutIsTTY: true });
    assert.ok(tty.stdout.includes(`${esc}[31mDENY 403`), 'denied in red');
    assert.match(tty.stdout, /bob@contoso\.example\s+get\s+team-a\/pods\/web-1/);
    assert.match(
      tty.stdout,
      /group change: bob@contoso\.example added to developers by alice@contoso\.example/,
    );
    const noColour = await audit(args, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    assert.ok(!noColour.stdout.includes(esc));
    assert.match(noColour.stdout, /DENY 403/);
    assert.ok(!(await audit(args)).stdout.includes(esc));
  });

  it('shows progress on a terminal stderr and clears it at the end', async () => {
    let clock = 0;
    const run = await audit(['--k8s-audit', 'audit.log', '-o', 'json'], {
      stderrIsTTY: true,
      now: () => (clock += 2000),
    });
    assert.match(run.stderr, /\rkentra audit: \d+ audit events read \(audit\.log\)/);
    assert.ok(run.stderr.includes(`\r${esc}[K`), 'the progress line is cleared');
    const piped = await audit(['--k8s-audit', 'audit.log', '-o', 'json'], { now: () => (clock += 2000) });
    assert.doesNotMatch(piped.stderr, /events read \(/);
    assert.match(piped.stderr, /no sign-in log given \(--signins FILE\|graph\)/);
  });

  it('writes a self-contained HTML page', async () => {
    const run = await audit(['--k8s-audit', 'audit.log', '--signins', 'signins.json', '-o', 'html']);
    assert.match(run.stdout, /^<!doctype html>/);
    assert.match(run.stdout, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(run.stdout, /(src|href)=["']?https?:/);
    assert.equal(run.stdout.match(/^\{"kind":"request"/gm)?.length, 4);
  });

  it('learns claim mappings, app ids and the token lifetime from --access kentra.yaml', async () => {
    const { starterAccessFile } = await import('../../../../src/domain/access/starter.js');
    const file = starterAccessFile({
      tenantId: '44444444-4444-4444-8444-444444444444',
      clientId: 'aaaaaaaa-0000-4000-8000-00000000c1d0',
    })
      .replace('keyDomain: kentra.dev', 'keyDomain: example.org')
      .replace('prefix: "entra:"', 'prefix: "aad:"');
    await writeFile(join(dir, 'kentra.yaml'), file);
    const event = auditEvent({
      user: { username: `aad:${bobOid}`, extra: { 'example.org/uti': ['uti-bob-1'] } },
      requestReceivedTimestamp: '2026-11-29T04:10:00Z',
    });
    const heuristicEvent = auditEvent({
      user: { username: `aad:${bobOid}` },
      requestReceivedTimestamp: '2026-11-29T04:10:00Z',
    });
    try {
      const run = await audit(
        ['--k8s-audit', '-', '--signins', 'signins.json', '-o', 'json', '--access', 'kentra.yaml'],
        {
          stdin: Readable.from([Buffer.from(line(event) + line(heuristicEvent))]),
        },
      );
      assert.equal(run.code, 0, run.stderr);
      const [exact, heuristic] = run.stdout
        .trim()
        .split('\n')
        .map((t) => JSON.parse(t))
        .filter((record) => record.kind === 'request');
      assert.equal(exact.join.method, 'uti');
      assert.equal(heuristic.join.method, 'heuristic');
      assert.equal(heuristic.who.oid, bobOid, 'the username prefix comes from identity.username.prefix');
      assert.equal(heuristic.join.evidence.appMatch, true, 'app.clientId is the cluster app');
      // A flag wins over the file; ./kentra.yaml is read when present.
      const flagged = await audit(
        ['--k8s-audit', '-', '--signins', 'signins.json', '-o', 'json', '--uti-extra-key', 'other.org/uti'],
        {
          stdin: Readable.from([Buffer.from(line(event))]),
        },
      );
      assert.match(flagged.stderr, /claim mappings from \.\/kentra\.yaml/);
      assert.equal(JSON.parse(flagged.stdout.trim().split('\n').at(-1) ?? '').join.method, 'heuristic');
    } finally {
      await rm(join(dir, 'kentra.yaml'));
    }
  });

  it('explains bad input clearly', async () => {
    const graph = await audit(['--k8s-audit', 'audit.log', '--signins', 'graph']);
    assert.equal(graph.code, 2);
    assert.match(
      graph.stderr,
      /error \[usage\]: --signins graph needs a Microsoft Graph sign-in, and none was found\n {2}hint: Choose one with --graph-auth/,
    );
    const since = await audit(['--k8s-audit', 'audit.log', '--since', 'yesterday']);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since yesterday: not a time/);
    const missing = await audit(['--k8s-audit', 'missing.log']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error \[io\.read\]: --k8s-audit missing\.log: cannot read it \(ENOENT\)/);
    const noArg = await runCli(['audit']);
    assert.notEqual(noArg.code, 0);
    assert.match(noArg.stderr, /--k8s-audit/);
  });

  it('teaches with examples in --help', async () => {
    const run = await runCli(['audit', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Examples:/);
    assert.match(run.stdout, /--uti-extra-key <key>.*access file, else "kentra\.dev\/uti"/s);
  });
});
