/**
 * `kentra audit` end to end, with nothing faked: demo users sign in through the
 * Entra emulator, the real kube-apiserver (configured by `kentra cluster config`
 * from a kentra.yaml) authenticates their tokens and writes its real audit log,
 * the machine's kubectl makes allowed and denied requests, and `kentra audit`
 * (the real executable) joins that log with the emulator's sign-in log.
 * A second API server without the uti/sid extra mappings shows the heuristic
 * fallback; the HTML timeline is opened in the real Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { starterAccessFile } from '../../src/domain/access/starter.js';
import { launchChromium } from '../harness/chromium.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { type DemoUser, type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { kubectl } from '../harness/kubectl.js';

interface Trail {
  kind: string;
  auditId?: string;
  who: { username?: string; upn?: string; oid?: string };
  what: {
    verb?: string;
    resource?: string;
    namespace?: string;
    decision: string;
    responseCode?: number;
    grantedBy?: { groupName?: string; subject: string };
  };
  from: { sourceIp?: string; signInIp?: string };
  signIn?: { id?: string; uniqueTokenIdentifier?: string };
  join: {
    method: string;
    confidence: number;
    note?: string;
    evidence?: { candidates: number; alike: number; ipMatch: boolean | null; appMatch: boolean | null };
  };
  action?: string;
  member?: { upn?: string };
  group?: { displayName?: string };
}

const rbac = (developersGroup: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-b}
data: {colour: red}
---
# Not the built-in "view": it is aggregated by kube-controller-manager, which this control plane does not run.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: workload-reader}
rules:
- apiGroups: [""]
  resources: [pods, configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: developers-read, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: workload-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "entra:group:${developersGroup}"}
`;

describe(`kentra audit: one trail from Entra sign-in to Kubernetes action (kentra: ${kentra.name})`, () => {
  let entra: EmulatorHandle;
  let dir: string;
  let exact: ControlPlane;
  let plain: ControlPlane;

  /** kentra.yaml for the emulator's tenant; `extras: false` maps no uti/sid (a cluster set up without them). */
  async function accessFile(name: string, extras: boolean): Promise<string> {
    const text = starterAccessFile({
      tenantId: entra.tenantId,
      clientId: entra.clientId,
      authority: entra.url,
      graph: entra.url,
      clusterName: 'e2e',
      server: 'https://127.0.0.1:6443',
    })
      .replace(
        `  authority: ${entra.url}`,
        `  authority: ${entra.url}\n  certificateAuthorityFile: ${entra.caFile}`,
      )
      .replace('uti: true, sid: true', extras ? 'uti: true, sid: true' : 'uti: false, sid: false');
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  /** The AuthenticationConfiguration `kentra cluster config` renders for that file, as it is. */
  async function authenticationConfig(access: string): Promise<string> {
    const rendered = await kentra.run([
      'cluster',
      'config',
      '--access',
      access,
      '--format',
      'auth-config',
      '-o',
      'json',
    ]);
    assert.equal(rendered.code, 0, rendered.stderr);
    return rendered.stdout;
  }

  async function signedInKubeconfig(cluster: ControlPlane, user: DemoUser, name: string): Promise<string> {
    const { idToken } = await entra.signInWithPassword({ user });
    const path = join(dir, `${name}.kubeconfig`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'e2e',
          cluster: {
            server: cluster.server,
            'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64'),
          },
        },
      ],
      users: [{ name, user: { token: idToken } }],
      contexts: [{ name, context: { cluster: 'e2e', user: name } }],
      'current-context': name,
    };
    await writeFile(path, stringify(config), { mode: 0o600 });
    return path;
  }

  async function kentraAudit(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ records: Trail[]; stdout: string; stderr: string }> {
    // The real entry point, run from the test's folder.
    const result = await kentra.run(['audit', ...args], { cwd: dir, env: { ...process.env, ...env } });
    assert.equal(result.code, 0, result.stderr);
    const records = args.includes('html')
      ? []
      : result.stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Trail);
    return { records, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * The exact cluster's audit log as it was after the first test's requests: the API server
   * keeps appending its own requests, and the later tests compare against the first one.
   */
  const exactLog = 'exact-audit.log';
  async function snapshotExactLog(): Promise<void> {
    const text = await readFile(exact.auditLogPath, 'utf8');
    await writeFile(join(dir, exactLog), text.slice(0, text.lastIndexOf('\n') + 1));
  }

  /** The snapshot with both Entra logs, as exported by exportLogs(). */
  const exactTrail = (output: string) => [
    ...['--k8s-audit', exactLog, '--signins', 'signins.json'],
    ...['--directory-audits', 'directory-audits.json', '--access', 'kentra.yaml', '-o', output],
  ];

  async function exportLogs(): Promise<void> {
    await writeFile(join(dir, 'signins.json'), JSON.stringify({ value: entra.control.signIns() }));
    await writeFile(
      join(dir, 'directory-audits.json'),
      JSON.stringify({ value: entra.control.directoryAudits() }),
    );
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-audit-e2e-'));
    entra = await startEmulator();
    const withExtras = await accessFile('kentra.yaml', true);
    const withoutExtras = await accessFile('kentra-no-extras.yaml', false);
    const withConfig = await authenticationConfig(withExtras);
    assert.match(withConfig, /"key": "kentra\.dev\/uti"/, 'the rendered config maps uti into extra');
    const withoutConfig = await authenticationConfig(withoutExtras);
    assert.doesNotMatch(withoutConfig, /kentra\.dev\/uti/);
    [exact, plain] = await Promise.all([
      startControlPlane({ authenticationConfig: withConfig }),
      startControlPlane({ authenticationConfig: withoutConfig }),
    ]);
    for (const cluster of [exact, plain]) {
      const applied = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
        input: rbac(entra.groups.developers ?? ''),
      });
      assert.equal(applied.code, 0, applied.stderr);
    }
  });

  after(async () => {
    await Promise.all([exact?.stop(), plain?.stop()]);
    await entra?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let exactRecords: Trail[] = [];

  it('attributes every Entra request to the exact sign-in (same uti), with the sign-in IP; denied stays denied', async () => {
    const devi = await signedInKubeconfig(exact, entra.users.developer, 'devi');
    const pods = await kubectl(devi, ['get', 'pods', '-n', 'team-a']);
    assert.equal(pods.code, 0, pods.stderr);
    const secrets = await kubectl(devi, ['get', 'secrets', '-n', 'team-a']);
    assert.match(secrets.stderr, /Forbidden/);
    const remove = await kubectl(devi, ['delete', 'configmap', 'settings', '-n', 'team-b']);
    assert.match(remove.stderr, /Forbidden/);
    const nicoBefore = await signedInKubeconfig(exact, entra.users.noGroups, 'nico-1');
    assert.match((await kubectl(nicoBefore, ['get', 'pods', '-n', 'team-a'])).stderr, /Forbidden/);
    entra.control.addToGroup(entra.users.noGroups.upn, 'developers');
    const nicoAfter = await signedInKubeconfig(exact, entra.users.noGroups, 'nico-2');
    const nicoPods = await kubectl(nicoAfter, ['get', 'pods', '-n', 'team-a']);
    assert.equal(nicoPods.code, 0, nicoPods.stderr);
    await exportLogs();
    await snapshotExactLog();

    const { records, stderr } = await kentraAudit(exactTrail('json'));
    exactRecords = records;
    assert.match(stderr, /; 0 lines skipped/);

    // The API server's own view of each request: the uti it put into user.extra.
    const raw = (await readFile(join(dir, exactLog), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const utiOf = new Map<string, string>();
    for (const event of raw)
      if (event.user?.username?.startsWith('entra:'))
        utiOf.set(`${event.auditID}/${event.stage}`, event.user.extra?.['kentra.dev/uti']?.[0]);
    const entraRecords = records.filter((r) => r.kind === 'request' && r.who.username?.startsWith('entra:'));
    assert.ok(entraRecords.length >= 5, `expected the users' requests, got ${entraRecords.length}`);
    const tokens = new Set(entra.control.signIns().map((s) => s.uniqueTokenIdentifier));
    for (const record of entraRecords) {
      assert.equal(record.join.method, 'uti', JSON.stringify(record));
      assert.equal(record.join.confidence, 1);
      const uti = record.signIn?.uniqueTokenIdentifier;
      assert.ok(uti && tokens.has(uti));
      assert.equal(uti, [...utiOf.entries()].find(([key]) => key.startsWith(`${record.auditId}/`))?.[1]);
      assert.equal(record.from.signInIp, '127.0.0.1');
      assert.equal(record.from.sourceIp, '127.0.0.1');
    }

    const devis = entraRecords.filter((r) => r.who.upn === entra.users.developer.upn);
    const secretsList = devis.find((r) => r.what.resource === 'secrets');
    assert.equal(secretsList?.what.decision, 'forbid');
    assert.equal(secretsList?.what.responseCode, 403);
    assert.equal(devis.find((r) => r.what.verb === 'delete')?.what.decision, 'forbid');
    const podsList = devis.find((r) => r.what.resource === 'pods' && r.what.verb === 'list');
    assert.equal(podsList?.what.decision, 'allow');
    assert.equal(podsList?.what.grantedBy?.subject, `entra:group:${entra.groups.developers}`);

    // nico: denied, then added to developers (the directory audit is in the trail), then allowed, named by group.
    const nicos = records.filter(
      (r) => r.who?.upn === entra.users.noGroups.upn && r.what.resource === 'pods',
    );
    assert.deepEqual(
      nicos.map((r) => r.what.decision),
      ['forbid', 'allow'],
    );
    assert.notEqual(nicos[0]?.signIn?.id, nicos[1]?.signIn?.id, 'each kubectl run used its own sign-in');
    assert.equal(nicos[1]?.what.grantedBy?.groupName, 'developers');
    const change = records.findIndex(
      (r) => r.kind === 'group-change' && r.member?.upn === entra.users.noGroups.upn,
    );
    assert.ok(
      change > records.indexOf(nicos[0] as Trail) && change < records.indexOf(nicos[1] as Trail),
      'the change sits between',
    );
  });

  it('falls back to the heuristic join on a cluster without the uti/sid mappings, and says so', async () => {
    const devi = await signedInKubeconfig(plain, entra.users.developer, 'devi-plain');
    const pods = await kubectl(devi, ['get', 'pods', '-n', 'team-a']);
    assert.equal(pods.code, 0, pods.stderr);
    await exportLogs();
    const latest = entra.control
      .signIns()
      .filter((s) => s.userPrincipalName === entra.users.developer.upn)
      .at(-1);
    const { records, stderr } = await kentraAudit([
      '--k8s-audit',
      plain.auditLogPath,
      '--signins',
      'signins.json',
      '--access',
      'kentra.yaml',
      '-o',
      'json',
    ]);
    const devis = records.filter((r) => r.who.username === `entra:${entra.users.developer.oid}`);
    assert.ok(devis.length > 0);
    for (const record of devis) {
      assert.equal(record.join.method, 'heuristic');
      assert.equal(record.signIn?.id, latest?.id, 'the sign-in just before the requests');
      // devi signed in twice within seconds (once per cluster), same IP, same app: the heuristic
      // picks the later one but cannot tell them apart, and its confidence says so.
      assert.equal(record.join.evidence?.candidates, 2);
      assert.equal(record.join.evidence?.alike, 2);
      assert.equal(record.join.evidence?.ipMatch, true);
      assert.equal(record.join.evidence?.appMatch, true);
      assert.equal(record.join.confidence, 0.48);
      assert.equal(record.from.signInIp, '127.0.0.1');
      assert.equal(record.join.note, 'no uti/sid in the audit event: heuristic join');
    }
    assert.match(
      stderr,
      /no audit event carried a token id in user\.extra\["kentra\.dev\/uti"\] or \["kentra\.dev\/sid"\], so sign-ins were joined by heuristic/,
    );
  });

  it('reads the sign-in and directory audit logs straight from Graph (--signins graph) with the same result', async () => {
    // An app-only Graph token for the automation app (AuditLog.Read.All), by client credentials.
    const response = await entra.fetchJson(`${entra.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: entra.automation.clientId,
        client_secret: entra.automation.secret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    assert.equal(response.status, 200);
    const token = (response.body as { access_token: string }).access_token;
    const { records, stderr } = await kentraAudit(
      ['--k8s-audit', exactLog, '--signins', 'graph', '--access', 'kentra.yaml', '-o', 'json'],
      { KENTRA_GRAPH_TOKEN: token },
    );
    assert.match(
      stderr,
      /read \d+ sign-ins, [1-9]\d* group-management audits, \d+ PIM requests and [1-9]\d* group names from Microsoft Graph/,
    );
    assert.ok(
      !stderr.includes(token) && !records.some((r) => JSON.stringify(r).includes(token)),
      'no token in output',
    );
    const joined = (list: Trail[]) =>
      list
        .filter(
          (r) =>
            r.kind === 'request' &&
            r.who.username?.startsWith('entra:') &&
            exactRecords.some((e) => e.auditId === r.auditId),
        )
        .map(
          (r) =>
            `${r.auditId} ${r.join.method} ${r.signIn?.id} ${r.from.signInIp} ${r.what.grantedBy?.groupName ?? '-'}`,
        );
    const fromFiles = joined(exactRecords);
    assert.ok(fromFiles.length >= 5);
    assert.deepEqual(new Set(joined(records)), new Set(fromFiles));
    assert.ok(records.some((r) => r.kind === 'group-change' && r.member?.upn === entra.users.noGroups.upn));
  });

  it('renders the trail as a self-contained HTML timeline in Chromium, with working filters', async () => {
    const { stdout } = await kentraAudit(exactTrail('html'));
    const page = join(dir, 'trail.html');
    await writeFile(page, stdout);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const external: string[] = [];
      tab.on('request', (request) => {
        if (!request.url().startsWith('file:')) external.push(request.url());
      });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(pathToFileURL(page).href);
      const rows = tab.locator('#trail tbody tr');
      assert.equal(await rows.count(), exactRecords.length);

      const screenshot = join(dir, 'trail.png');
      await tab.screenshot({ path: screenshot, fullPage: false });
      const png = await readFile(screenshot);
      assert.ok((await stat(screenshot)).size > 1000);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');

      await tab.check('#f-denied');
      const denied = exactRecords.filter((r) => r.kind === 'request' && r.what.decision === 'forbid').length;
      assert.ok(denied >= 3);
      assert.equal(await rows.count(), denied);
      assert.deepEqual(
        new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.className))),
        new Set(['forbid']),
      );
      await tab.uncheck('#f-denied');

      await tab.fill('#f-user', 'nico');
      const nicoRows = exactRecords.filter(
        (r) =>
          (r.kind === 'request' && r.who.upn === entra.users.noGroups.upn) ||
          (r.kind === 'group-change' && r.member?.upn === entra.users.noGroups.upn),
      ).length;
      assert.equal(await rows.count(), nicoRows);
      assert.match(
        (await tab.locator('#trail tbody tr.group-change').first().textContent()) ?? '',
        /nico\.nogroups@.* added to developers/,
      );

      await tab.fill('#f-user', '');
      await tab.selectOption('#f-namespace', 'team-b');
      const teamB = exactRecords.filter((r) => r.kind === 'request' && r.what.namespace === 'team-b').length;
      assert.equal(await rows.count(), teamB);
      assert.match(
        (await tab.locator('#count').textContent()) ?? '',
        new RegExp(`^${teamB} of ${exactRecords.length} records`),
      );
      assert.deepEqual(external, [], 'the page loads nothing from anywhere');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
