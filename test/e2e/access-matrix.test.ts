/**
 * `kentra access matrix` and `kentra access explain` end to end: RBAC applied
 * to the real kube-apiserver with the real kubectl, read back live by kentra
 * (and from the same manifests offline), rendered as table, JSON, CSV and HTML;
 * the HTML page opened in the real headless Chromium, screenshotted and filtered.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { stringify } from 'yaml';
import type { ControlPlane } from '../harness/control-plane.js';
import { kubectl } from '../harness/kubectl.js';
import { sharedControlPlane } from '../harness/world.js';
import { runCli } from '../helpers/cli.js';

const suffix = randomBytes(3).toString('hex');
const namespace = `am-${suffix}`;
const id = (n: number) => `${suffix}00-0000-4000-8000-${String(n).padStart(12, '0')}`;
const groups = { admins: id(1), developers: id(2), auditors: id(3) };
const users = { alice: id(11), bob: id(12), carol: id(13) };

const names = {
  groups: [
    { id: groups.admins, displayName: `Platform Admins ${suffix}` },
    { id: groups.developers, displayName: `Team Developers ${suffix}` },
    { id: groups.auditors, displayName: `Auditors ${suffix}` },
  ],
  users: [
    {
      id: users.alice,
      displayName: `Alice Admin ${suffix}`,
      userPrincipalName: `alice-${suffix}@contoso.test`,
      groups: [groups.admins],
    },
    {
      id: users.bob,
      displayName: `Bob Builder ${suffix}`,
      userPrincipalName: `bob-${suffix}@contoso.test`,
      groups: [`Team Developers ${suffix}`],
    },
    {
      id: users.carol,
      displayName: `Carol Nobody ${suffix}`,
      userPrincipalName: `carol-${suffix}@contoso.test`,
      groups: [],
    },
  ],
};

const gadgetGroup = `am${suffix}.example.com`;
const manifests = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  // A cluster-scoped custom resource: a Role naming it grants nothing (its requests have no namespace).
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `gadgets.${gadgetGroup}` },
    spec: {
      group: gadgetGroup,
      scope: 'Cluster',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `am-${suffix}-gadget-reader` },
    rules: [{ apiGroups: [gadgetGroup], resources: ['gadgets'], verbs: ['get', 'list'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `am-${suffix}-auditors` },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: `am-${suffix}-gadget-reader`,
    },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `entra:group:${groups.auditors}` },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `am-${suffix}-platform` },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `am-${suffix}-admins` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `am-${suffix}-platform` },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `entra:group:${groups.admins}` },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'deployer', namespace },
    rules: [
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'deployments/scale'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['app-tls'], verbs: ['get'] },
      { apiGroups: [gadgetGroup], resources: ['gadgets'], verbs: ['get'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'developers-deploy', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `entra:group:${groups.developers}` },
    ],
  },
];

describe('kentra access matrix / explain on the real cluster', () => {
  let cluster: ControlPlane;
  let dir: string;
  let manifestFile: string;
  let namesFile: string;
  // Other tests share the cluster and bind their own subjects: rows for Entra people and our namespace only.
  const live = () => ['--kubeconfig', cluster.adminKubeconfig, '--names', namesFile];
  const liveMatrix = () => [...live(), '--entra-only', '-n', namespace];

  before(async () => {
    cluster = await sharedControlPlane();
    dir = await mkdtemp(join(tmpdir(), 'kentra-access-'));
    manifestFile = join(dir, 'rbac.yaml');
    namesFile = join(dir, 'names.yaml');
    await writeFile(manifestFile, manifests.map((manifest) => stringify(manifest)).join('---\n'));
    await writeFile(namesFile, stringify(names));
    const applied = await kubectl(cluster.adminKubeconfig, ['apply', '-f', manifestFile]);
    assert.equal(applied.code, 0, applied.stderr);
  });

  after(async () => {
    await kubectl(cluster.adminKubeconfig, [
      'delete',
      '-f',
      manifestFile,
      '--ignore-not-found',
      '--wait=false',
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a table with Entra names, scoped the way the bindings say', async () => {
    const run = await runCli(['access', 'matrix', ...liveMatrix()]);
    assert.equal(run.code, 0, run.stderr);
    const line = (who: string, scope: string) =>
      run.stdout.split('\n').filter((text) => text.startsWith(who) && text.includes(` ${scope} `));
    assert.match(line(`Alice Admin ${suffix}`, 'cluster-wide').join('\n'), /\*\s+pods, pods\/log/);
    const bob = line(`Bob Builder ${suffix}`, namespace).join('\n');
    assert.match(bob, /get,list,watch,update,patch\s+deployments\.apps, deployments\.apps\/scale/);
    assert.match(bob, /get\(app-tls\)\s+secrets/);
    assert.equal(
      line(`Bob Builder ${suffix}`, 'cluster-wide').some((text) => text.includes('deployments')),
      false,
    );
    // Carol is in no group: what every authenticated user gets, nothing in our namespace.
    assert.match(line(`Carol Nobody ${suffix}`, 'cluster-wide').join('\n'), /selfsubjectaccessreviews/);
    assert.deepEqual(line(`Carol Nobody ${suffix}`, namespace), []);
    assert.match(run.stderr, /\[access\] cluster https:\/\/127\.0\.0\.1/);
  });

  it('says which permission is missing when the kubeconfig user may not read RBAC', async () => {
    const nobody = await cluster.userKubeconfig(`am-${suffix}-nobody`);
    const run = await runCli(['access', 'matrix', '--kubeconfig', nobody]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /kentra: error \[kube\.request\]: not allowed to list \/apis\/rbac\.authorization\.k8s\.io\/v1\/\w+ \(403\)/,
    );
    assert.match(run.stderr, /hint: kentra access reads every Role/);
    assert.equal(run.stdout, '');
  });

  it('writes JSON for scripts and CSV for spreadsheets', async () => {
    const json = await runCli(['access', 'matrix', ...liveMatrix(), '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      resources: { name: string; namespaced: boolean }[];
      rows: {
        subject: { displayName: string; entraId?: string };
        scope: string;
        access: Record<string, { verbs: string[]; limitedToNames?: Record<string, string[]> }>;
      }[];
    };
    const bobRow = parsed.rows.find(
      (row) => row.subject.displayName === `Bob Builder ${suffix}` && row.scope === namespace,
    );
    assert.ok(bobRow, 'a row for Bob in the namespace');
    assert.equal(bobRow.subject.entraId, users.bob);
    assert.deepEqual(bobRow.access['pods/log']?.verbs, ['get', 'list']);
    assert.deepEqual(bobRow.access.secrets, { verbs: [], limitedToNames: { get: ['app-tls'] } });
    // Discovery says gadgets are cluster-scoped: the Role's rule for them grants nothing in a namespace.
    const gadgets = `gadgets.${gadgetGroup}`;
    assert.equal(bobRow.access[gadgets], undefined);
    assert.equal(parsed.resources.find((resource) => resource.name === gadgets)?.namespaced, false);
    const auditors = parsed.rows.find(
      (row) => row.subject.displayName === `Auditors ${suffix}` && row.scope === 'cluster-wide',
    );
    assert.deepEqual(auditors?.access[gadgets], { verbs: ['get', 'list'] });
    const csvFile = join(dir, 'matrix.csv');
    const csv = await runCli(['access', 'matrix', ...liveMatrix(), '-o', 'csv', '--output-file', csvFile]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, '');
    const lines = (await readFile(csvFile, 'utf8')).split('\r\n');
    assert.equal(
      lines[0],
      'subject,kind,kubernetes_name,entra_id,scope,resource,verbs,any_verb,limited_to_names',
    );
    assert.ok(
      lines.includes(
        `Bob Builder ${suffix},EntraUser,entra:${users.bob},${users.bob},${namespace},deployments.apps/scale,get list watch update patch,false,`,
      ),
    );
  });

  it('gives the same answers from the manifests offline as from the live cluster', async () => {
    const options = (source: string[]) => [
      'access',
      'matrix',
      ...source,
      '--names',
      namesFile,
      '--entra-only',
      '-o',
      'json',
    ];
    const fromCluster = await runCli(options(['--kubeconfig', cluster.adminKubeconfig]));
    const fromFiles = await runCli(options(['-f', manifestFile]));
    assert.equal(fromFiles.code, 0, fromFiles.stderr);
    // Entra groups only (users also hold system:authenticated, which other tests may bind meanwhile),
    // and the resource columns both have (other tests' roles add columns to the live cluster).
    type Output = {
      resources: { name: string }[];
      rows: {
        subject: { kind: string; displayName: string };
        scope: string;
        access: Record<string, unknown>;
      }[];
    };
    const [files, live] = [JSON.parse(fromFiles.stdout) as Output, JSON.parse(fromCluster.stdout) as Output];
    const shared = new Set(files.resources.map((resource) => resource.name));
    const liveColumns = new Set(live.resources.map((resource) => resource.name));
    const ours = (output: Output) =>
      output.rows
        .filter((row) => row.subject.kind === 'EntraGroup' && row.subject.displayName.endsWith(suffix))
        .map((row) => ({
          ...row,
          access: Object.fromEntries(
            Object.entries(row.access).filter(([name]) => shared.has(name) && liveColumns.has(name)),
          ),
        }));
    const expected = ours(files);
    assert.equal(expected.length, 4, '3 groups cluster-wide + developers in the namespace');
    assert.deepEqual(ours(live), expected);
  });

  it('explains a grant with binding, role, rule and Entra group; a denial exits 1', async () => {
    const allowed = await runCli([
      'access',
      'explain',
      `bob-${suffix}@contoso.test`,
      'patch',
      'deployments.apps/scale',
      '-n',
      namespace,
      ...live(),
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /^ALLOWED {2}patch deployments\.apps\/scale in namespace/);
    assert.match(
      allowed.stdout,
      new RegExp(`RoleBinding ${namespace}/developers-deploy -> Role deployer, rule 1`),
    );
    assert.match(allowed.stdout, new RegExp(`= Entra group "Team Developers ${suffix}"`));

    const denied = await runCli([
      'access',
      'explain',
      `Bob Builder ${suffix}`,
      'get',
      'secrets',
      '-n',
      namespace,
      '--name',
      'db-password',
      ...live(),
      '-o',
      'json',
    ]);
    assert.equal(denied.code, 1);
    const explanation = JSON.parse(denied.stdout) as {
      allowed: boolean;
      nearMisses: { mismatch: string; role: { name: string } }[];
      user: { name: string };
    };
    assert.equal(explanation.allowed, false);
    assert.equal(explanation.user.name, `entra:${users.bob}`);
    assert.deepEqual(
      explanation.nearMisses.map((miss) => [miss.role.name, miss.mismatch]),
      [['deployer', 'resourceName']],
    );
  });

  it('renders an HTML matrix that Chromium shows, with Entra names and a working filter', async () => {
    const htmlFile = join(dir, 'matrix.html');
    const run = await runCli(['access', 'matrix', ...liveMatrix(), '-o', 'html', '--output-file', htmlFile]);
    assert.equal(run.code, 0, run.stderr);
    const html = await readFile(htmlFile, 'utf8');
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'self-contained: no external assets');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${htmlFile}`);
      const screenshot = join(dir, 'matrix.png');
      await page.screenshot({ path: screenshot, fullPage: false });
      const png = await readFile(screenshot);
      assert.ok((await stat(screenshot)).size > 1000);
      assert.deepEqual(
        [...png.subarray(0, 8)],
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        'a PNG file',
      );
      assert.deepEqual(requests, [`file://${htmlFile}`], 'the page loads nothing else');

      const text = (await page.locator('#matrix').textContent()) ?? '';
      for (const person of [...names.users, ...names.groups])
        assert.match(text, new RegExp(person.displayName));
      const visibleRows = () => page.locator('#matrix tbody tr:visible').count();
      const all = await visibleRows();
      assert.ok(all >= 6, `expected rows for the demo people, got ${all}`);
      await page.locator('#filter').fill(`bob builder ${suffix}`);
      const bobRows = await page.locator('#matrix tbody tr:visible').allInnerTexts();
      assert.ok(
        bobRows.length >= 1 && bobRows.length < all,
        `filter narrowed ${all} rows to ${bobRows.length}`,
      );
      for (const row of bobRows) assert.match(row, new RegExp(`Bob Builder ${suffix}`));
      assert.match(
        (await page.locator('#count').textContent()) ?? '',
        new RegExp(`^${bobRows.length} of ${all} rows$`),
      );
      await page.locator('#filter').fill('');
      assert.equal(await visibleRows(), all);
      await page.locator('#resource-filter').fill('secrets');
      const headers = await page.locator('#matrix thead th.resource:visible').allInnerTexts();
      assert.equal(headers[0], 'secrets');
      assert.ok(
        headers.every((header) => header.includes('secrets')),
        headers.join(),
      );
      const bobCell = page
        .locator(
          `#matrix tbody tr[data-subject="entra:${users.bob}"][data-scope="${namespace}"] td[data-col]:visible`,
        )
        .first();
      assert.equal(await bobCell.textContent(), 'g*');
      assert.match((await bobCell.getAttribute('title')) ?? '', /get only on: app-tls/);
    } finally {
      await browser.close();
    }
  });
});
