/**
 * kentra reads and writes kubeconfig files exactly as the real kubectl does:
 * the same KUBECONFIG values (unset, "", a:b, a::b, missing files, a
 * symlinked file, --kubeconfig, --context) are given to kubectl and to
 * kentra's one kubeconfig source, and their answers compared:
 *
 * - reading: `kubectl config view --flatten`, `kubectl config get-contexts`
 *   and `kubectl config view --minify --flatten` (the context kubectl would
 *   connect with) against the source's merged view and connection;
 * - relative paths: kubectl really connects (a loopback HTTP server records
 *   the bearer token it sent from a relative tokenFile and a relative exec
 *   plugin), kentra must resolve the same files;
 * - files kubectl refuses to read (the shared decode table);
 * - writing: `kubectl config set-cluster/set-credentials/set-context/
 *   use-context` in one copy of the files, `kentra kubeconfig` in another:
 *   the same files must hold the same entries afterwards, symlinks stay links.
 *
 * Every server is on loopback with a closed port: the machine's kubectl may be
 * Google's kubectl-dispatcher, which asks the current context's server for its
 * version (running its exec plugin) before every command, `kubectl config`
 * ones included.
 *
 * Security property (#14 item 4, cited by docs/security.md): "kubeconfig
 * writes keep a symlinked kubeconfig a symlink" and "8 parallel kentra
 * kubeconfig processes leave 8 contexts" below.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type KubeconfigSource, openKubeconfig } from '../../src/adapters/kube/kubeconfig.js';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import type { Located, MergedKubeconfig } from '../../src/domain/kubeconfig/merged.js';
import { kubectlYaml } from '../../src/domain/kubeconfig/shape.js';
import { readByKubectl, refusedByKubectl } from '../fixtures/kubeconfig/decode-cases.js';
import { kubectlPath } from '../harness/kubectl.js';
import { type RunResult, run } from '../harness/processes.js';
import { runCli } from '../helpers/cli.js';
import { closeServer, listenOnLoopback } from '../helpers/loopback.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const kentraBin = join(repoRoot, 'dist/bin/kentra.js');
const root = await mkdtemp(join(tmpdir(), 'kentra-kubeconfig-kubectl-'));
after(() => rm(root, { recursive: true, force: true }));

type Dict = Record<string, unknown>;

const pem = (what: string) => `-----BEGIN CERTIFICATE-----\n${what}\n-----END CERTIFICATE-----\n`;

/**
 * The files every case starts from: ~/.kube/config, `a`, `sub/b` (relative
 * file references, resolved against sub/), `link` -> sub/b. `shared*` names
 * exist in a and b with different content: the first file of the list wins.
 */
async function writeWorld(dir: string): Promise<void> {
  await mkdir(join(dir, 'home', '.kube'), { recursive: true });
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'ca-a.pem'), pem('A'));
  await writeFile(join(dir, 'sub', 'ca-b.pem'), pem('B'));
  await writeFile(join(dir, 'sub', 'client.crt'), pem('CLIENT'));
  await writeFile(join(dir, 'sub', 'client.key'), 'not a real key\n');
  // kubectl resolves a symlinked file's references against the link's folder, not the target's:
  // the same names beside `link` hold other content, so the link case shows which folder was used.
  await writeFile(join(dir, 'ca-b.pem'), pem('B seen through the link'));
  await writeFile(join(dir, 'client.crt'), pem('CLIENT seen through the link'));
  await writeFile(join(dir, 'client.key'), 'not a real key either\n');
  await writeFile(
    join(dir, 'home', '.kube', 'config'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: home, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: home-user, user: {token: home-token}}]',
      'contexts: [{name: home-ctx, context: {cluster: home, user: home-user, namespace: home-ns}}]',
      'current-context: home-ctx',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'a'),
    [
      '# file a',
      'clusters:',
      '- name: c-a',
      '  cluster: {server: "https://127.0.0.1:2", certificate-authority: ca-a.pem}',
      '- name: shared',
      '  cluster: {server: "https://127.0.0.1:3"}',
      'users:',
      '- name: u-a',
      '  user: {token: token-a}',
      '- name: shared-user',
      '  user: {token: shared-token-a}',
      'contexts:',
      '- name: ctx-a',
      '  context: {cluster: c-a, user: u-a}',
      '- name: shared-ctx',
      '  context: {cluster: shared, user: shared-user, namespace: ns-a}',
      'current-context: ""',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'sub', 'b'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c-b',
      '  cluster: {server: "https://127.0.0.1:4", certificate-authority: ca-b.pem}',
      '- name: shared',
      '  cluster: {server: "https://127.0.0.1:5", insecure-skip-tls-verify: true}',
      'users:',
      '- name: u-b',
      '  user: {client-certificate: client.crt, client-key: ./client.key}',
      '- name: shared-user',
      '  user: {token: shared-token-b}',
      'contexts:',
      '- name: ctx-b',
      '  context: {cluster: c-b, user: u-b, namespace: ns-b}',
      '- name: shared-ctx',
      '  context: {cluster: shared, user: shared-user, namespace: ns-b}',
      'current-context: ctx-b',
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'sub', 'b'), 0o640);
  await symlink('sub/b', join(dir, 'link'));
}

interface Case {
  title: string;
  /** undefined: KUBECONFIG unset. */
  kubeconfigEnv?: string;
  flag?: string;
  context?: string;
}

const cases: Case[] = [
  { title: 'KUBECONFIG unset' },
  { title: 'KUBECONFIG=""', kubeconfigEnv: '' },
  { title: 'KUBECONFIG=a:sub/b', kubeconfigEnv: 'a:sub/b' },
  { title: 'KUBECONFIG=sub/b:a', kubeconfigEnv: 'sub/b:a' },
  { title: 'KUBECONFIG=a::sub/b', kubeconfigEnv: 'a::sub/b' },
  { title: 'KUBECONFIG=a:a (a file twice)', kubeconfigEnv: 'a:a' },
  { title: 'KUBECONFIG=missing:a:missing-too', kubeconfigEnv: 'missing:a:missing-too' },
  { title: 'KUBECONFIG=missing:missing-too (none exists)', kubeconfigEnv: 'missing:missing-too' },
  { title: 'KUBECONFIG=link:a (a symlinked file)', kubeconfigEnv: 'link:a' },
  { title: '--kubeconfig sub/b beats KUBECONFIG=a', kubeconfigEnv: 'a', flag: 'sub/b' },
  { title: '--context shared-ctx with KUBECONFIG=a:sub/b', kubeconfigEnv: 'a:sub/b', context: 'shared-ctx' },
  { title: '--context home-ctx when unset', context: 'home-ctx' },
];

function envOf(dir: string, c: Case): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(dir, 'home') };
  if (c.kubeconfigEnv !== undefined) env.KUBECONFIG = c.kubeconfigEnv;
  return env;
}

function kubectlIn(dir: string, c: Case, args: readonly string[]): Promise<RunResult> {
  const flags = [...(c.flag ? ['--kubeconfig', c.flag] : []), ...(c.context ? ['--context', c.context] : [])];
  return run(kubectlPath, [...flags, ...args], { env: envOf(dir, c), cwd: dir });
}

function sourceIn(dir: string, c: Case): KubeconfigSource {
  return openKubeconfig({ kubeconfig: c.flag, context: c.context }, { env: envOf(dir, c), cwd: dir });
}

/** Drops what kubectl leaves out of its output: empty, false and null values. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === 'object') {
    const out: Dict = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = compact(item);
      if (kept === '' || kept === false || kept === null || kept === undefined) continue;
      if (typeof kept === 'object' && Object.keys(kept as object).length === 0 && key !== 'user') continue;
      out[key] = kept;
    }
    return out;
  }
  return value;
}

interface View {
  current: string;
  clusters: Dict;
  users: Dict;
  contexts: Dict;
}

function kubectlView(json: string): View {
  const config = JSON.parse(json) as Dict;
  const byName = (list: string, body: string) =>
    Object.fromEntries(
      ((config[list] as Dict[] | null) ?? []).map((item) => [item.name, compact(item[body] ?? {})]),
    );
  return {
    current: String(config['current-context'] ?? ''),
    clusters: byName('clusters', 'cluster'),
    users: byName('users', 'user'),
    contexts: byName('contexts', 'context'),
  };
}

/** kentra's merged view, file references inlined as `kubectl config view --flatten` does (FlattenConfig). */
async function kentraView(merged: MergedKubeconfig): Promise<View> {
  const flatten = async (entry: Located, refs: [string, string][]) => {
    const body: Dict = { ...entry.value };
    for (const [path, data] of refs) {
      const file = body[path];
      if (typeof file !== 'string' || file === '') continue;
      const absolute = file.startsWith('/') ? file : join(entry.file, '..', file);
      body[data] = (await readFile(absolute)).toString('base64');
      delete body[path];
    }
    return compact(body);
  };
  const all = async (entries: Map<string, Located>, refs: [string, string][]) =>
    Object.fromEntries(
      await Promise.all([...entries].map(async ([name, entry]) => [name, await flatten(entry, refs)])),
    );
  return {
    current: merged.currentContext,
    clusters: await all(merged.clusters, [['certificate-authority', 'certificate-authority-data']]),
    users: await all(merged.users, [
      ['client-certificate', 'client-certificate-data'],
      ['client-key', 'client-key-data'],
    ]),
    contexts: await all(merged.contexts, []),
  };
}

/** `kubectl config get-contexts` rows, cut at the header's column starts. */
function contextRows(table: string): string[][] {
  const [header = '', ...lines] = table.split('\n').filter((line) => line.trim() !== '');
  const starts = ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'].map((word) => header.indexOf(word));
  return lines.map((line) =>
    starts.map((start, index) => line.slice(start, starts[index + 1] ?? line.length).trim()),
  );
}

/** The same rows from kentra's merged view (kubectl stars the files' current-context, whatever --context says). */
function kentraRows(merged: MergedKubeconfig): string[][] {
  const current = merged.currentContext;
  return [...merged.contexts.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(({ name, value }) => [
      name === current ? '*' : '',
      name,
      String(value.cluster ?? ''),
      String(value.user ?? ''),
      String(value.namespace ?? ''),
    ]);
}

describe('kubeconfig: kentra reads what kubectl reads', () => {
  let dir: string;
  before(async () => {
    dir = join(root, 'read');
    await mkdir(dir);
    await writeWorld(dir);
  });

  for (const c of cases)
    it(`${c.title}: config view --flatten, get-contexts and the context used`, async () => {
      const source = sourceIn(dir, c);
      const view = await kubectlIn(dir, c, ['config', 'view', '--flatten', '-o', 'json']);
      assert.equal(view.code, 0, view.stderr);
      const merged = await source.read();
      assert.deepEqual(await kentraView(merged), kubectlView(view.stdout));

      const table = await kubectlIn(dir, c, ['config', 'get-contexts']);
      assert.equal(table.code, 0, table.stderr);
      assert.deepEqual(kentraRows(merged), contextRows(table.stdout));

      const minify = await kubectlIn(dir, c, ['config', 'view', '--minify', '--flatten', '-o', 'json']);
      if (minify.code !== 0) {
        // No context to use: kubectl cannot minify, kentra cannot connect.
        assert.match(minify.stderr, /current-context must exist/);
        await assert.rejects(source.connection(), /no context given and no current-context set/);
        return;
      }
      const used = kubectlView(minify.stdout);
      const connection = await source.connection();
      assert.equal(connection.context, used.current);
      const [cluster] = Object.values(used.clusters) as Dict[];
      const [user] = Object.values(used.users) as Dict[];
      const base64 = (text: string | undefined) => text && Buffer.from(text).toString('base64');
      assert.deepEqual(
        {
          server: connection.server,
          ca: base64(connection.caPem),
          insecure: connection.insecureSkipTlsVerify || undefined,
          token: connection.token,
          cert: base64(connection.certPem),
          key: base64(connection.keyPem),
        },
        {
          server: cluster?.server,
          ca: cluster?.['certificate-authority-data'],
          insecure: cluster?.['insecure-skip-tls-verify'],
          token: user?.token,
          cert: user?.['client-certificate-data'],
          key: user?.['client-key-data'],
        },
      );
    });

  it('a missing --kubeconfig: kubectl refuses to connect, so does kentra', async () => {
    const c: Case = { title: 'missing --kubeconfig', flag: 'nope' };
    const kubectl = await kubectlIn(dir, c, ['get', '--raw', '/version']);
    assert.notEqual(kubectl.code, 0);
    assert.match(kubectl.stderr, /no such file or directory/);
    await assert.rejects(sourceIn(dir, c).connection(), /kubeconfig .*nope does not exist/);
  });

  it('files kubectl refuses, kentra refuses; files kubectl reads, kentra reads', async () => {
    const cases = [
      ...refusedByKubectl.map(([text]) => ({ text, refused: true })),
      ...readByKubectl.map((text) => ({ text, refused: false })),
    ];
    for (const [index, { text, refused }] of cases.entries()) {
      const file = join(dir, `decode-${index}.yaml`);
      await writeFile(file, `${text}\n`);
      const c: Case = { title: text, kubeconfigEnv: file };
      const kubectl = await kubectlIn(dir, c, ['config', 'view', '-o', 'json']);
      assert.equal(kubectl.code !== 0, refused, `kubectl on ${JSON.stringify(text)}: ${kubectl.stderr}`);
      const kentra = await sourceIn(dir, c)
        .read()
        .then(
          () => 'read',
          (error: Error) => error.message,
        );
      assert.equal(kentra !== 'read', refused, `kentra on ${JSON.stringify(text)}: ${kentra}`);
    }
  });
});

describe('kubeconfig: relative paths resolve against their own file, as kubectl connects', () => {
  let server: Server;
  let url: string;
  let caPem: string;
  const seen: string[] = [];
  before(async () => {
    const ca = await createCertificateAuthority('kentra-kubeconfig-test-ca', 1);
    const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
    caPem = ca.certPem;
    // kubectl sends a bearer token only over TLS.
    server = createServer({ cert: serving.certPem, key: serving.keyPem }, (request, response) => {
      seen.push(request.headers.authorization ?? '');
      response.setHeader('content-type', 'application/json');
      response.end('{"major":"1","minor":"36","gitVersion":"v1.36.3"}');
    });
    url = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  });
  after(() => closeServer(server));

  it('certificate-authority, tokenFile and an exec command relative to the kubeconfig folder, run from elsewhere', async () => {
    const dir = join(root, 'relative');
    await mkdir(join(dir, 'conf', 'bin'), { recursive: true });
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'conf', 'ca.pem'), caPem);
    await writeFile(join(dir, 'conf', 'token'), 'token-from-file\n');
    const plugin = join(dir, 'conf', 'bin', 'plugin');
    await writeFile(
      plugin,
      '#!/bin/sh\necho "$0" > "$(dirname "$0")/ran"\n' +
        'echo \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-from-plugin"}}\'\n',
    );
    await chmod(plugin, 0o755);
    await writeFile(
      join(dir, 'conf', 'config'),
      [
        `clusters: [{name: local, cluster: {server: "${url}", certificate-authority: ca.pem}}]`,
        'users:',
        '- {name: file, user: {tokenFile: token}}',
        '- name: plugin',
        '  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin, interactiveMode: Never}}',
        'contexts:',
        '- {name: file, context: {cluster: local, user: file}}',
        '- {name: plugin, context: {cluster: local, user: plugin}}',
        '',
      ].join('\n'),
    );
    const c = (context: string): Case => ({ title: context, kubeconfigEnv: '../conf/config', context });
    const cwd = join(dir, 'elsewhere');
    for (const context of ['file', 'plugin']) {
      const kubectl = await kubectlIn(cwd, c(context), ['get', '--raw', '/version']);
      assert.equal(kubectl.code, 0, kubectl.stderr);
    }
    // kubectl may ask twice per command (a version probe first); the set of tokens is what matters.
    assert.deepEqual([...new Set(seen)], ['Bearer token-from-file', 'Bearer token-from-plugin']);
    const source = sourceIn(cwd, c('file'));
    const connection = await source.connection();
    assert.equal(connection.token, 'token-from-file');
    assert.equal(connection.caPem, caPem);
    const ran = (await readFile(join(dir, 'conf', 'bin', 'ran'), 'utf8')).trim();
    const resolved = await source.context('plugin');
    assert.equal((resolved.user?.value.exec as Dict | undefined)?.command, ran, 'the plugin kubectl ran');
  });
});

/** Per file of a folder: the entry names it holds, its current-context, and whether it is a symlink. */
async function layout(dir: string): Promise<Dict> {
  const out: Dict = {};
  for (const entry of await readdir(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      out[entry] = 'symlink';
      continue;
    }
    if (!info.isFile() || entry.endsWith('.pem') || entry.includes('client.')) continue;
    const config = (parse(await readFile(path, 'utf8'), kubectlYaml) ?? {}) as Dict;
    const names = (list: string) => ((config[list] as Dict[] | null) ?? []).map((item) => item.name).sort();
    out[entry] = {
      clusters: names('clusters'),
      users: names('users'),
      contexts: names('contexts'),
      current: config['current-context'] ?? '',
      servers: ((config.clusters as Dict[] | null) ?? [])
        .map((item) => (item.cluster as Dict)?.server)
        .sort(),
    };
  }
  return out;
}

describe('kubeconfig: kentra writes the file kubectl writes', () => {
  const writes: (Case & { cluster?: string; force?: boolean })[] = [
    ...cases.filter((c) => !c.context),
    {
      title: 'an existing entry is replaced where it lives (KUBECONFIG=sub/b:a)',
      kubeconfigEnv: 'sub/b:a',
      cluster: 'shared',
      force: true,
    },
    {
      title: 'an existing entry is replaced where it lives (KUBECONFIG=a:sub/b)',
      kubeconfigEnv: 'a:sub/b',
      cluster: 'shared',
      force: true,
    },
  ];
  for (const c of writes)
    it(`${c.title}: kentra kubeconfig = kubectl config set-*`, async () => {
      const cluster = c.cluster ?? 'new-cluster';
      const server = 'https://127.0.0.1:6';
      const base = join(root, `write-${writes.indexOf(c)}`);
      const [byKubectl, byKentra] = [join(base, 'kubectl'), join(base, 'kentra')];
      await mkdir(byKubectl, { recursive: true });
      await writeWorld(byKubectl);
      await cp(byKubectl, byKentra, { recursive: true, verbatimSymlinks: true });
      for (const args of [
        ['config', 'set-cluster', cluster, `--server=${server}`],
        [
          'config',
          'set-credentials',
          'new-user',
          '--exec-command=kentra',
          '--exec-api-version=client.authentication.k8s.io/v1',
        ],
        ['config', 'set-context', 'new-ctx', `--cluster=${cluster}`, '--user=new-user'],
        ['config', 'use-context', 'new-ctx'],
      ]) {
        const result = await kubectlIn(byKubectl, c, args);
        assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
      }
      const kentra = await runCli(
        [
          'kubeconfig',
          ...['--cluster-name', cluster, '--server', server, '--tenant', 't', '--client-id', 'app'],
          ...['--user', 'new-user', '--context', 'new-ctx', '--use-context'],
          ...(c.force ? ['--force'] : []),
          ...(c.flag ? ['--kubeconfig', c.flag] : []),
        ],
        { env: envOf(byKentra, c), cwd: byKentra },
      );
      assert.equal(kentra.code, 0, kentra.stderr);
      assert.deepEqual(await layout(byKentra), await layout(byKubectl));
    });

  it('keeps a symlinked kubeconfig a symlink and writes its target, keeping its mode (security #14.4)', async () => {
    const dir = join(root, 'symlink');
    await mkdir(dir);
    await writeWorld(dir);
    const c: Case = { title: 'link', kubeconfigEnv: 'link' };
    const kentra = await runCli(
      [
        'kubeconfig',
        '--cluster-name',
        'x',
        '--server',
        'https://127.0.0.1:7',
        '--tenant',
        't',
        '--client-id',
        'app',
      ],
      { env: envOf(dir, c), cwd: dir },
    );
    assert.equal(kentra.code, 0, kentra.stderr);
    assert.ok((await lstat(join(dir, 'link'))).isSymbolicLink(), 'link is still a symlink');
    assert.equal((await stat(join(dir, 'sub', 'b'))).mode & 0o777, 0o640);
    const listed = await kubectlIn(dir, c, ['config', 'get-contexts', '-o', 'name']);
    assert.match(listed.stdout, /^x$/m);
    assert.equal(existsSync(join(dir, 'link.lock')), false);
  });
});

describe('kubeconfig: parallel writers (security #14.4)', () => {
  it('8 parallel kentra kubeconfig processes leave 8 contexts', async () => {
    assert.ok(
      existsSync(kentraBin),
      'dist/bin/kentra.js is missing: run `npm run build` first (npm test does)',
    );
    const dir = join(root, 'parallel');
    await mkdir(join(dir, 'real'), { recursive: true });
    await symlink('real/config', join(dir, 'config'));
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'config') };
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        run(
          process.execPath,
          [
            kentraBin,
            'kubeconfig',
            '--cluster-name',
            `c${i}`,
            '--server',
            `https://127.0.0.1:${10 + i}`,
          ].concat(['--tenant', 't', '--client-id', 'app', '-o', 'json']),
          { env, cwd: dir },
        ),
      ),
    );
    for (const result of runs) assert.equal(result.code, 0, result.stderr);
    const listed = await run(kubectlPath, ['config', 'get-contexts', '-o', 'name'], { env, cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n').sort(), [
      'c0',
      'c1',
      'c2',
      'c3',
      'c4',
      'c5',
      'c6',
      'c7',
    ]);
    assert.ok((await lstat(join(dir, 'config'))).isSymbolicLink());
    assert.deepEqual((await readdir(dir)).sort(), ['config', 'real'], 'no lock or temporary file is left');
    assert.deepEqual(await readdir(join(dir, 'real')), ['config']);
  });
});
