/**
 * Hostile values in every human-readable output show, but never act: an audit
 * event's object name, a RoleBinding subject, an Entra display name, a token's
 * claims, a server's error text. Each output below is fed a value that clears
 * the screen, writes an OSC 8 link, overprints with CR, starts a fake line,
 * and reverses text (Trojan Source); none of those bytes may reach the terminal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { displayValue, fitCell, terminalText } from '../../../src/adapters/render/terminal-text.js';
import { checkTable, setupTable } from '../../../src/cli/entra.js';
import { formatError } from '../../../src/cli/main.js';
import { verifyTable } from '../../../src/cli/verify.js';
import { whoamiTable } from '../../../src/cli/whoami.js';
import { KentraError } from '../../../src/errors.js';
import { runCli } from '../../helpers/cli.js';
import { auditEvent, signIn } from '../domain/audit/fixtures.js';

const esc = String.fromCharCode(27);
/** Clears the screen, homes the cursor, an OSC 8 hyperlink, CR overprint, a fake line, a C1 CSI, an RLO. */
const hostile = `evil${esc}[2J${esc}[H${esc}]8;;https://evil.example${String.fromCharCode(7)}link\rOK\nFAKE: all checks passed\u009b31m\u202etxt.exe`;

function assertInert(text: string, where: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  const acting = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.exec(text);
  assert.equal(
    acting,
    null,
    `${where}: a control character reached the terminal: ${JSON.stringify(acting?.[0])}`,
  );
  assert.doesNotMatch(text, /^FAKE: /m, `${where}: a value started a line of its own`);
  assert.ok(text.includes('evil'), `${where}: the value is still shown`);
}

describe('terminal text helper', () => {
  it('escapes C0, C1, DEL, ESC sequences and bidi controls visibly', () => {
    assert.equal(displayValue(`a${esc}[2Jb`), 'a\\x1b[2Jb');
    assert.equal(displayValue('a\r\nb\tc\u007f\u009b\u202e'), 'a\\r\\nb\\tc\\x7f\\x9b\\u202e');
    assert.equal(terminalText(`line 1\nline${esc}[K 2\r`), 'line 1\nline\\x1b[K 2\\r');
    assert.equal(displayValue('plain ünïcode ✓'), 'plain ünïcode ✓');
  });
  it('cuts a cell to a bounded width', () => {
    assert.equal(fitCell('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(fitCell(`${esc}`, 10), '\\x1b');
  });
});

describe('every human-readable output escapes hostile values', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-terminal-'));
    const event = auditEvent({
      userAgent: hostile,
      requestURI: `/api/v1/namespaces/team-a/pods/${hostile}`,
      objectRef: { resource: 'pods', namespace: 'team-a', name: hostile, apiVersion: 'v1' },
    });
    await writeFile(join(dir, 'audit.log'), `${JSON.stringify(event)}\n`);
    await writeFile(join(dir, 'signins.json'), JSON.stringify({ value: [signIn({ ipAddress: hostile })] }));
    await writeFile(
      join(dir, 'rbac.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-edit, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "aad:g-ops"}, {kind: User, name: ${JSON.stringify(hostile)}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: named, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [${JSON.stringify(hostile)}], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: named, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: named}
subjects: [{kind: Group, name: "aad:g-ops"}]
`,
    );
    await writeFile(
      join(dir, 'names.yaml'),
      `groups: [{id: g-ops, displayName: ${JSON.stringify(hostile)}}]\nusers: [{id: u-1, displayName: Olga, userPrincipalName: olga@contoso.com, groups: [g-ops]}]\n`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('kentra audit -o table (user agent, object name, request URI, sign-in address)', async () => {
    const run = await runCli(['audit', '--k8s-audit', 'audit.log', '--signins', 'signins.json'], {
      cwd: dir,
      now: () => Date.parse('2026-11-29T06:00:00Z'),
    });
    assert.equal(run.code, 0, run.stderr);
    assertInert(run.stdout, 'audit table');
    for (const line of run.stdout.split('\n')) assert.ok(line.length <= 250, `a bounded row: ${line.length}`);
  });

  it('kentra access matrix (subject names, Entra display names) with bounded columns', async () => {
    const run = await runCli(
      ['access', 'matrix', '-f', 'rbac.yaml', '--names', 'names.yaml', '--group-prefix', 'aad:'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    assertInert(run.stdout, 'access matrix');
    const header = run.stdout.split('\n')[0] ?? '';
    assert.ok(header.indexOf('RESOURCES') <= 4 * 50, `columns stay narrow: ${header.indexOf('RESOURCES')}`);
  });

  it('kentra access explain (resourceNames, group names)', async () => {
    const run = await runCli(
      [
        'access',
        'explain',
        'olga@contoso.com',
        'get',
        'secrets',
        '-n',
        'shop',
        '--name',
        'other',
        '-f',
        'rbac.yaml',
        '--names',
        'names.yaml',
        '--group-prefix',
        'aad:',
      ],
      { cwd: dir },
    );
    assertInert(run.stdout, 'explain');
  });

  it('errors (a message carrying a server text or a file name)', () => {
    const text = formatError(
      new KentraError('kube.request', `the API server said: ${hostile}`, { hint: hostile }),
      false,
    );
    assertInert(text, 'error');
  });

  it('kentra verify, whoami and entra check tables', () => {
    const verify = verifyTable({
      cluster: hostile,
      passed: false,
      warnings: [],
      checks: [
        { id: 'bindings', title: 't', status: 'fail', summary: hostile, details: [hostile], hint: hostile },
      ],
    });
    assertInert(verify, 'verify');
    const whoami = whoamiTable(
      {
        kubernetes: {
          accepted: true,
          user: { username: hostile, groups: [`entra:g1${hostile}`], extra: { [hostile]: [hostile] } },
        },
        entra: {
          displayName: hostile,
          upn: hostile,
          oid: 'o',
          audience: [hostile],
          authenticationContexts: [hostile],
          methods: [hostile],
          groupIds: ['g1'],
          groupsOverage: false,
          guest: false,
          groups: [{ id: 'g1', name: hostile }],
          expired: false,
        },
        warnings: [],
      },
      Date.parse('2026-11-29T06:00:00Z'),
    );
    assertInert(whoami, 'whoami');
    const check = checkTable({
      tenantId: 't',
      appId: 'a',
      displayName: hostile,
      fromAccessFile: true,
      findings: [
        { code: 'redirect-uri-http', severity: 'warning', field: hostile, message: hostile, hint: hostile },
      ],
      others: [
        {
          role: 'cluster',
          environment: hostile,
          appId: hostile,
          displayName: hostile,
          findings: [
            { code: 'secret-expiring', severity: 'error', field: hostile, message: hostile, hint: hostile },
          ],
        },
      ],
      errors: 1,
      warnings: 1,
    } as never);
    assertInert(check, 'entra check');
    const setup = setupTable({
      dryRun: true,
      tenantId: 't',
      apps: [
        {
          role: 'cluster',
          environment: hostile,
          clusters: [hostile],
          displayName: hostile,
          appId: hostile,
          created: false,
          drift: [{ field: 'displayName', current: hostile, desired: 'k' }],
          groups: [{ group: hostile, id: 'g', status: 'planned' }],
          otherAssignments: [{ id: hostile, displayName: hostile, type: 'User' }],
        },
      ],
      requests: [
        {
          method: 'PATCH',
          path: `/applications/${hostile}`,
          body: { displayName: hostile },
          summary: hostile,
        },
      ],
      written: [`app.clientId ${hostile}`],
      pinned: [],
      migrated: [`client secret ${hostile} removed from ${hostile}`],
      changed: true,
      warnings: [],
    });
    assertInert(setup, 'entra setup');
  });
});
