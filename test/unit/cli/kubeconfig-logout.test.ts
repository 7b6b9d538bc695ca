import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { TokenCacheStore } from '../../../src/adapters/token-cache/store.js';
import { cacheKeyFor } from '../../../src/usecases/cache-key.js';
import { runCli } from '../../helpers/cli.js';

const root = await mkdtemp(join(tmpdir(), 'kentra-kubeconfig-'));
after(() => rm(root, { recursive: true, force: true }));
const fixture = new URL('../../fixtures/kubeconfig/existing.yaml', import.meta.url);
const caFile = join(root, 'ca.pem');
await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

const base = [
  'kubeconfig',
  '--cluster-name',
  'prod',
  '--server',
  'https://prod.example:6443',
  '--tenant',
  't1',
];
const forAccount = (account: string) => [...base, '--client-id', 'app', '--login-hint', account];

describe('kentra kubeconfig', () => {
  it('writes into the first KUBECONFIG file, keeps its mode and other entries, and reports each change', async () => {
    const first = join(root, 'first.yaml');
    await copyFile(fixture, first);
    const second = join(root, 'second.yaml');
    const run = await runCli([...forAccount('alice@contoso.com'), '--certificate-authority', caFile], {
      env: { KUBECONFIG: `${first}:${second}` },
      cwd: root,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /user\s+prod-alice@contoso\.com\s+added/);
    assert.match(run.stdout, /kubectl --context prod-alice@contoso\.com get --raw \/version/);
    const config = parse(await readFile(first, 'utf8'));
    assert.deepEqual(
      config.contexts.map((context: { name: string }) => context.name),
      ['staging-ops', 'prod-alice@contoso.com'],
    );
    assert.equal(config['current-context'], 'staging-ops');
    assert.deepEqual(config.users[1].user.exec.args, [
      'get-token',
      '--tenant',
      't1',
      '--client-id',
      'app',
      '--login-hint',
      'alice@contoso.com',
    ]);
    await assert.rejects(stat(second), /ENOENT/);
  });

  it('creates a new file 0600 and passes the IdP CA as an absolute path', async () => {
    const path = join(root, 'new', 'config');
    const run = await runCli(
      [
        ...forAccount('bob@contoso.com'),
        '--kubeconfig',
        path,
        '--idp-certificate-authority',
        'ca.pem',
        '-o',
        'json',
      ],
      { env: {}, cwd: root },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).context, 'prod-bob@contoso.com');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const args: string[] = parse(await readFile(path, 'utf8')).users[0].user.exec.args;
    assert.equal(args[args.indexOf('--certificate-authority') + 1], caFile);
  });

  it('refuses to overwrite a different entry of the same name without --force, and writes nothing', async () => {
    const path = join(root, 'conflict.yaml');
    assert.equal((await runCli([...forAccount('a@x'), '--kubeconfig', path], { env: {} })).code, 0);
    const before = await readFile(path, 'utf8');
    const other = [...forAccount('a@x'), '--kubeconfig', path, '--server', 'https://moved.example'];
    const refused = await runCli(other, { env: {} });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error \[config\.conflict\]: the kubeconfig already has a different clusters\[0\] "prod"/,
    );
    assert.equal(await readFile(path, 'utf8'), before);
    assert.equal((await runCli([...other, '--force'], { env: {} })).code, 0);
    assert.equal(parse(await readFile(path, 'utf8')).clusters[0].cluster.server, 'https://moved.example');
  });

  it('writes --login (also from --grant-type), the spn certificate as an absolute path and the managed identity', async () => {
    const args = (run: { stdout: string }) =>
      (parse(run.stdout) as { users: { user: { exec: { args: string[] } } }[] }).users[0]?.user.exec.args ??
      [];
    const spn = await runCli(
      [...base, '--client-id', 'sp', '--login', 'spn', '--client-certificate', 'certs/sp.pfx', '--stdout'],
      { env: {}, cwd: root },
    );
    assert.equal(spn.code, 0, spn.stderr);
    assert.deepEqual(args(spn).slice(5), [
      '--login',
      'spn',
      '--client-certificate',
      join(root, 'certs/sp.pfx'),
    ]);
    const msi = await runCli(
      [...base, '--client-id', 'app', '-l', 'msi', '--identity-client-id', 'mi-1', '--stdout'],
      { env: {}, cwd: root },
    );
    assert.deepEqual(args(msi).slice(5), ['--login', 'msi', '--identity-client-id', 'mi-1']);
    const older = await runCli([...base, '--client-id', 'app', '--grant-type', 'device-code', '--stdout'], {
      env: {},
      cwd: root,
    });
    assert.deepEqual(args(older).slice(5), ['--login', 'devicecode']);
    const bad = await runCli([...base, '--client-id', 'app', '--login', 'ropc', '--stdout'], { env: {} });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--login must be one of auto, browser, devicecode, azurecli, msi, workloadidentity, spn/,
    );
  });

  it('prints a standalone kubeconfig with --stdout and writes no file', async () => {
    const run = await runCli([...forAccount('a@x'), '--stdout'], { env: { HOME: root } });
    assert.equal(run.code, 0, run.stderr);
    const config = parse(run.stdout);
    assert.equal(config['current-context'], 'prod-a@x');
    assert.equal(config.users[0].user.exec.interactiveMode, 'IfAvailable');
    await assert.rejects(stat(join(root, '.kube')), /ENOENT/);
  });

  it('rejects a plain-http server and an unreadable CA file', async () => {
    const http = await runCli([...forAccount('a@x'), '--server', 'http://insecure', '--stdout'], { env: {} });
    assert.equal(http.code, 2);
    assert.match(http.stderr, /--server must be an https URL/);
    const ca = await runCli(
      [...forAccount('a@x'), '--certificate-authority', join(root, 'missing.pem'), '--stdout'],
      {
        env: {},
      },
    );
    assert.equal(ca.code, 1);
    assert.match(ca.stderr, /missing\.pem cannot be read/);
  });
});

describe('kentra logout', () => {
  it("forgets one context's account and leaves the other's", async () => {
    const kubeconfig = join(root, 'two-users.yaml');
    const cacheDir = join(root, 'cache');
    for (const account of ['alice@contoso.com', 'bob@contoso.com']) {
      assert.equal((await runCli([...forAccount(account), '--kubeconfig', kubeconfig], { env: {} })).code, 0);
      const key = cacheKeyFor(
        {
          authorityHost: 'https://login.microsoftonline.com',
          tenant: 't1',
          clientId: 'app',
          tokenType: 'id',
          scopes: [],
          login: 'auto',
          loginHint: account,
        },
        'browser',
      );
      await new TokenCacheStore(join(cacheDir, 'kentra')).write({
        version: 1,
        key,
        token: `token-of-${account}`,
        obtainedAt: 0,
        expiresAt: 1,
        account: { username: account, homeAccountId: 'h', tenantId: 't1' },
      });
    }
    const env = { KUBECACHEDIR: cacheDir, KUBECONFIG: kubeconfig };
    const run = await runCli(['logout', '--context', 'prod-alice@contoso.com'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'Signed out alice@contoso.com (tenant t1, app app) for context prod-alice@contoso.com.\n',
    );
    const left = await new TokenCacheStore(join(cacheDir, 'kentra')).list();
    assert.deepEqual(
      left.map((item) => item.entry.token),
      ['token-of-bob@contoso.com'],
    );
    const again = await runCli(['logout', '--context', 'prod-alice@contoso.com'], { env });
    assert.equal(again.stdout, 'No cached sign-in for context prod-alice@contoso.com.\n');
    const all = await runCli(['logout', '--all', '-o', 'json'], { env });
    assert.deepEqual(JSON.parse(all.stdout).removed, [
      { account: 'bob@contoso.com', tenant: 't1', clientId: 'app' },
    ]);
  });

  it('says so when a context does not use kentra or does not exist', async () => {
    const kubeconfig = join(root, 'foreign.yaml');
    await copyFile(fixture, kubeconfig);
    const foreign = await runCli(['logout', '--kubeconfig', kubeconfig], { env: {} });
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /context "staging-ops" does not sign in with kentra get-token/);
    const missing = await runCli(['logout', '--kubeconfig', kubeconfig, '--context', 'nope'], { env: {} });
    assert.match(missing.stderr, /no context named "nope"/);
  });

  it('forgets one account by UPN, whichever contexts cached it, and lists what is left with kentra accounts', async () => {
    const cacheDir = join(root, 'cache-accounts');
    const store = new TokenCacheStore(join(cacheDir, 'kentra'));
    const now = Date.now();
    const entry = (account: string, clientId: string, tenant: string, refreshable: boolean) => ({
      version: 1 as const,
      key: cacheKeyFor(
        {
          authorityHost: 'https://login.microsoftonline.com',
          tenant,
          clientId,
          tokenType: 'id',
          scopes: [],
          login: 'auto',
          loginHint: account,
        },
        'browser',
      ),
      token: `token-of-${account}-${clientId}`,
      obtainedAt: now,
      expiresAt: now + 3_600_000,
      account: { username: account, homeAccountId: `${account}-home`, tenantId: tenant },
      ...(refreshable ? { msalCache: '{}' } : {}),
    });
    await store.write(entry('alice@contoso.com', 'app-1', 't1', true));
    await store.write(entry('alice@contoso.com', 'app-2', 't1', true));
    await store.write(entry('bob@fabrikam.com', 'app-1', 't2', false));
    const env = { KUBECACHEDIR: cacheDir };

    const listed = await runCli(['accounts', '-o', 'json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as {
      account: string;
      tenant: string;
      clientId: string;
      kind: string;
      refreshable: boolean;
      expired: boolean;
    }[];
    assert.deepEqual(
      rows.map((row) => [row.tenant, row.account, row.clientId, row.kind, row.refreshable, row.expired]),
      [
        ['t1', 'alice@contoso.com', 'app-1', 'user', true, false],
        ['t1', 'alice@contoso.com', 'app-2', 'user', true, false],
        ['t2', 'bob@fabrikam.com', 'app-1', 'user', false, false],
      ],
    );
    const table = await runCli(['accounts'], { env });
    assert.match(
      table.stdout.split('\n')[0] ?? '',
      /^ACCOUNT\s+KIND\s+TENANT\s+APP\s+TOKEN\s+EXPIRES\s+REFRESH$/,
    );
    assert.match(table.stdout, /bob@fabrikam\.com\s+user\s+t2\s+app-1\s+id\s+\S+ \(in 60m\)\s+no/);

    const run = await runCli(['logout', '--account', 'Alice@Contoso.com'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'Signed out alice@contoso.com (tenant t1, app app-1) for account Alice@Contoso.com.\n' +
        'Signed out alice@contoso.com (tenant t1, app app-2) for account Alice@Contoso.com.\n',
    );
    assert.deepEqual(
      (await store.list()).map((item) => item.entry.account?.username),
      ['bob@fabrikam.com'],
    );
    const empty = await runCli(['accounts'], { env: { KUBECACHEDIR: join(root, 'cache-none') } });
    assert.match(empty.stdout, /^No cached sign-in\./);
  });

  it('refuses two selections at once, and a revocation without a user sign-in', async () => {
    const both = await runCli(['logout', '--all', '--account', 'a@b.c'], { env: {} });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of --context, --account and --all/);
    const cacheDir = join(root, 'cache-app');
    await new TokenCacheStore(join(cacheDir, 'kentra')).write({
      version: 1,
      key: cacheKeyFor(
        {
          authorityHost: 'https://login.microsoftonline.com',
          tenant: 't1',
          clientId: 'ci-app',
          tokenType: 'access',
          scopes: [],
          login: 'spn',
        },
        'spn',
      ),
      token: 'app-token',
      obtainedAt: 0,
      expiresAt: 1,
    });
    const revoke = await runCli(['logout', '--all', '--revoke'], { env: { KUBECACHEDIR: cacheDir } });
    assert.equal(revoke.code, 2);
    assert.match(revoke.stderr, /nothing to revoke: no cached user sign-in was selected/);
    assert.equal((await new TokenCacheStore(join(cacheDir, 'kentra')).list()).length, 1, 'nothing removed');
  });
});
