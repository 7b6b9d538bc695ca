/**
 * kubectl sign-in end to end: the real kubectl runs `kentra get-token` from a
 * kubeconfig written by `kentra kubeconfig`, the real kube-apiserver validates
 * the emulator's tokens (structured authentication trusting the emulator
 * issuer), and the emulator counts every request kentra makes.
 *
 * kubectl only lets a plugin prompt when its stdin is a terminal
 * (interactiveMode IfAvailable), so "a person at a terminal" runs kubectl under
 * a pseudo-terminal (util-linux `script`); everything else runs kubectl plainly,
 * as an IDE or a script would.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { TokenCacheStore } from '../../src/adapters/token-cache/store.js';
import { cacheKeyFor } from '../../src/usecases/cache-key.js';
import { spkiHash } from '../harness/chromium.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { type DemoUser, type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { kubectlPath } from '../harness/kubectl.js';
import { type RunResult, run } from '../harness/processes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsx = import.meta.resolve('tsx');
const browserCommand = (script: string) =>
  `${process.execPath} --import ${tsx} ${join(repoRoot, 'test/e2e', script)}`;
const standIn = browserCommand('login-stand-in-browser.ts');
const realChromium = browserCommand('login-chromium-browser.ts');
const usernamePrefix = 'entra:';

function authenticationConfig(issuers: EmulatorHandle[]): string {
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: issuers.map((entra) => ({
      issuer: { url: entra.issuer, audiences: [entra.clientId], certificateAuthority: entra.caPem },
      claimMappings: {
        username: { claim: 'oid', prefix: usernamePrefix },
        groups: { claim: 'groups', prefix: '' },
      },
    })),
  });
}

/** SHA-256 of the CA's public key, for Chromium's --ignore-certificate-errors-spki-list. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

describe(`kubectl + kentra get-token + emulator + kube-apiserver (kentra: ${kentra.name})`, () => {
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let dir: string;
  let browserLog: string;

  before(async () => {
    entra = await startEmulator();
    cluster = await startControlPlane({ authenticationConfig: authenticationConfig([entra]) });
    dir = await mkdtemp(join(tmpdir(), 'kentra-login-e2e-'));
    browserLog = join(dir, 'browsers.log');
    await writeFile(browserLog, '');
  });

  after(async () => {
    await cluster?.stop();
    await entra?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const browsersOpened = async () => (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean);
  const totalRequests = (emulator: EmulatorHandle) =>
    Object.values(emulator.control.requestCounts()).reduce((sum, count) => sum + count, 0);

  /** The emulator as the identity provider, and the kentra under test as the exec command. */
  const identityProviderFlags = (emulator: EmulatorHandle) => [
    ...['--authority', emulator.url, '--idp-certificate-authority', emulator.caFile],
    ...['--command', kentra.executable],
  ];

  /** Writes one context with `kentra kubeconfig`, exactly as a user would. */
  async function addContext(
    kubeconfig: string,
    context: string,
    emulator: EmulatorHandle,
    user: DemoUser,
    extra: string[] = [],
  ): Promise<void> {
    const result = await kentra.run([
      'kubeconfig',
      ...['--kubeconfig', kubeconfig, '--cluster-name', 'e2e', '--server', cluster.server],
      ...['--certificate-authority', cluster.caFile, '--context', context],
      ...['--tenant', emulator.tenantId, '--client-id', emulator.clientId, '--login-hint', user.upn],
      ...identityProviderFlags(emulator),
      ...extra,
    ]);
    assert.equal(result.code, 0, result.stderr);
  }

  function environment(cacheDir: string, user: DemoUser, emulator: EmulatorHandle): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KUBECACHEDIR: cacheDir,
      KENTRA_TEST_USER: user.upn,
      KENTRA_TEST_PASSWORD: user.password,
      KENTRA_TEST_CA_FILE: emulator.caFile,
      KENTRA_TEST_CA_SPKI: spkiHash(emulator.caPem),
      KENTRA_TEST_BROWSER_LOG: browserLog,
    };
    // A headless machine: no browser can open unless a --browser-command says how.
    for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'BROWSER', 'KUBERNETES_EXEC_INFO']) delete env[name];
    return env;
  }

  /** kubectl as an IDE or a script runs it: stdin is not a terminal, so the plugin must not prompt. */
  function kubectlPlain(kubeconfig: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
    return run(kubectlPath, ['--kubeconfig', kubeconfig, ...args], { env });
  }

  /** kubectl at a terminal (a pseudo-terminal); stdout is kept apart, stderr (prompts) streams to onOutput. */
  async function kubectlAtTerminal(
    kubeconfig: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    onOutput?: (text: string, child: ChildProcess) => void,
  ): Promise<RunResult> {
    const out = join(dir, `stdout-${Math.random().toString(36).slice(2)}`);
    const line = [kubectlPath, '--kubeconfig', kubeconfig, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qefc', `${line} >${quote(out)}`, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk.replace(/\r\n/g, '\n');
      onOutput?.(stderr, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    const stdout = await readFile(out, 'utf8').catch(() => '');
    return { code: code ?? -1, stdout, stderr };
  }

  function whoami(result: RunResult): string {
    assert.equal(result.code, 0, `kubectl failed:\n${result.stderr}`);
    return (JSON.parse(result.stdout) as { status: { userInfo: { username: string } } }).status.userInfo
      .username;
  }

  const whoamiArgs = (context: string) => ['--context', context, 'auth', 'whoami', '-o', 'json'];

  it('signs in through the real Chromium on the first kubectl and runs as the emulator user', async () => {
    const kubeconfig = join(dir, 'chromium.kubeconfig');
    const user = entra.users.developer;
    await addContext(kubeconfig, 'dev', entra, user, [
      ...['--browser-command', realChromium],
      ...['--expect-issuer', entra.issuer, '--expect-audience', entra.clientId],
    ]);
    entra.control.resetRequestCounts();
    const result = await kubectlAtTerminal(
      kubeconfig,
      whoamiArgs('dev'),
      environment(join(dir, 'cache-1'), user, entra),
    );
    assert.equal(whoami(result), `${usernamePrefix}${user.oid}`);
    assert.deepEqual(await browsersOpened(), [`chromium ${user.upn}`]);
    assert.equal(entra.control.requestCount('authorize'), 1);
    assert.doesNotMatch(result.stderr, /warning/, 'the token matches what the cluster expects');
    assert.match(
      result.stderr,
      /sign in to Entra in your browser\. If no browser opens, visit:\n {2}https:\/\/127\.0\.0\.1:\d+\//,
    );
  });

  it('answers the next kubectl from the cache, with no request to the emulator', async () => {
    const kubeconfig = join(dir, 'chromium.kubeconfig');
    const cacheDir = join(dir, 'cache-1');
    entra.control.resetRequestCounts();
    const env = environment(cacheDir, entra.users.developer, entra);
    assert.equal(
      whoami(await kubectlPlain(kubeconfig, whoamiArgs('dev'), env)),
      `${usernamePrefix}${entra.users.developer.oid}`,
    );
    const version = await kubectlPlain(kubeconfig, ['--context', 'dev', 'get', '--raw', '/version'], env);
    assert.equal(version.code, 0, version.stderr);
    assert.match(JSON.parse(version.stdout).gitVersion, /^v\d+\./);
    assert.equal(totalRequests(entra), 0, JSON.stringify(entra.control.requestCounts()));
    assert.equal((await browsersOpened()).length, 1, 'no second browser');
    const folder = join(cacheDir, 'kentra');
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    const files = (await readdir(folder)).filter((name) => name.endsWith('.json'));
    assert.equal(files.length, 1);
    assert.equal((await stat(join(folder, files[0] ?? ''))).mode & 0o777, 0o600);
  });

  it('refreshes silently once the cached token is about to expire', async () => {
    const kubeconfig = join(dir, 'refresh.kubeconfig');
    const cacheDir = join(dir, 'cache-refresh');
    const user = entra.users.developer;
    await addContext(kubeconfig, 'refresh', entra, user, ['--browser-command', standIn]);
    const env = environment(cacheDir, user, entra);
    assert.equal(
      whoami(await kubectlAtTerminal(kubeconfig, whoamiArgs('refresh'), env)),
      `${usernamePrefix}${user.oid}`,
    );
    const key = cacheKeyFor(
      {
        authorityHost: entra.url,
        tenant: entra.tenantId,
        clientId: entra.clientId,
        tokenType: 'id',
        scopes: [],
        login: 'auto',
        loginHint: user.upn,
      },
      'browser',
    );
    const store = new TokenCacheStore(join(cacheDir, 'kentra'));
    const first = await store.read(key);
    assert.ok(first, 'the sign-in was cached');
    const browsers = (await browsersOpened()).length;
    // Age the entry rather than wait for it: kentra decides by the entry's deadline (the
    // clock-driven branches are unit-tested in test/unit/usecases/get-token.test.ts), and the
    // refresh token inside is the real one, so what follows is a real refresh.
    await store.write({ ...first, obtainedAt: first.obtainedAt - 3_600_000, expiresAt: Date.now() - 1_000 });
    entra.control.resetRequestCounts();
    // Plain kubectl (no terminal): a refresh needs no prompt, so it must work here too.
    assert.equal(
      whoami(await kubectlPlain(kubeconfig, whoamiArgs('refresh'), env)),
      `${usernamePrefix}${user.oid}`,
    );
    assert.equal(entra.control.requestCount('token'), 1, JSON.stringify(entra.control.requestCounts()));
    assert.equal(entra.control.requestCount('authorize'), 0);
    assert.equal((await browsersOpened()).length, browsers, 'no browser for a refresh');
    const second = await store.read(key);
    assert.notEqual(second?.token, first.token);
    assert.ok((second?.expiresAt ?? 0) > Date.now());
  });

  it('uses the device code flow where no browser can open', async () => {
    const kubeconfig = join(dir, 'device.kubeconfig');
    const user = entra.users.admin;
    await addContext(kubeconfig, 'device', entra, user);
    const browsers = (await browsersOpened()).length;
    let approving: Promise<void> | undefined;
    const result = await kubectlAtTerminal(
      kubeconfig,
      whoamiArgs('device'),
      environment(join(dir, 'cache-device'), user, entra),
      (stderr) => {
        const prompt = /open the page (\S+) and enter the code (\S+) to authenticate/.exec(stderr);
        if (prompt && !approving)
          approving = entra.browser().approveDeviceCode(prompt[1] ?? '', prompt[2] ?? '', {
            username: user.upn,
            password: user.password,
          });
      },
    );
    await approving;
    assert.ok(approving, `no device code prompt on stderr:\n${result.stderr}`);
    assert.equal(whoami(result), `${usernamePrefix}${user.oid}`);
    assert.equal((await browsersOpened()).length, browsers, 'no browser was started');
  });

  it('signs in exactly once when 10 kubectl processes start together with an empty cache', async () => {
    const kubeconfig = join(dir, 'crowd.kubeconfig');
    const user = entra.users.noGroups;
    await addContext(kubeconfig, 'crowd', entra, user, ['--browser-command', standIn]);
    const env = environment(join(dir, 'cache-crowd'), user, entra);
    const browsers = (await browsersOpened()).length;
    entra.control.resetRequestCounts();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => kubectlAtTerminal(kubeconfig, whoamiArgs('crowd'), env)),
    );
    for (const result of results) assert.equal(whoami(result), `${usernamePrefix}${user.oid}`);
    assert.equal(entra.control.requestCount('authorize'), 1, JSON.stringify(entra.control.requestCounts()));
    assert.equal(entra.control.requestCount('token'), 1);
    assert.deepEqual((await browsersOpened()).slice(browsers), [`stand-in ${user.upn}`]);
  });

  it('keeps two users apart, lists both with kentra accounts; logging one out leaves the other signed in', async () => {
    const kubeconfig = join(dir, 'two.kubeconfig');
    const cacheDir = join(dir, 'cache-two');
    const [alice, bob] = [entra.users.developer, entra.users.admin];
    await addContext(kubeconfig, 'alice', entra, alice, ['--browser-command', standIn]);
    await addContext(kubeconfig, 'bob', entra, bob, ['--browser-command', standIn]);
    const aliceEnv = environment(cacheDir, alice, entra);
    const bobEnv = environment(cacheDir, bob, entra);
    assert.equal(
      whoami(await kubectlAtTerminal(kubeconfig, whoamiArgs('alice'), aliceEnv)),
      `${usernamePrefix}${alice.oid}`,
    );
    assert.equal(
      whoami(await kubectlAtTerminal(kubeconfig, whoamiArgs('bob'), bobEnv)),
      `${usernamePrefix}${bob.oid}`,
    );
    const entries = await new TokenCacheStore(join(cacheDir, 'kentra')).list();
    assert.deepEqual(entries.map((item) => item.entry.account?.username).sort(), [alice.upn, bob.upn].sort());
    const accounts = await kentra.run(['accounts', '-o', 'json'], { env: aliceEnv });
    assert.equal(accounts.code, 0, accounts.stderr);
    assert.deepEqual(
      (
        JSON.parse(accounts.stdout) as {
          account: string;
          tenant: string;
          kind: string;
          refreshable: boolean;
        }[]
      ).map((row) => [row.account, row.tenant, row.kind, row.refreshable]),
      [alice.upn, bob.upn].sort().map((upn) => [upn, entra.tenantId, 'user', true]),
    );

    const logout = await kentra.run(['logout', '--context', 'alice'], {
      env: { ...aliceEnv, KUBECONFIG: kubeconfig },
    });
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, new RegExp(`Signed out ${alice.upn.replace(/\./g, '\\.')}`));

    entra.control.resetRequestCounts();
    assert.equal(
      whoami(await kubectlPlain(kubeconfig, whoamiArgs('bob'), bobEnv)),
      `${usernamePrefix}${bob.oid}`,
    );
    assert.equal(totalRequests(entra), 0, 'bob is still signed in from the cache');
    const aliceAgain = await kubectlPlain(kubeconfig, whoamiArgs('alice'), aliceEnv);
    assert.notEqual(aliceAgain.code, 0);
    assert.match(aliceAgain.stderr, /no valid token cached and kubectl runs without a terminal/);

    // Forget bob by account, whatever context cached him.
    const byAccount = await kentra.run(['logout', '--account', bob.upn], { env: bobEnv });
    assert.equal(byAccount.code, 0, byAccount.stderr);
    assert.match(byAccount.stdout, new RegExp(`^Signed out ${bob.upn.replace(/\./g, '\\.')} `));
    assert.deepEqual(await new TokenCacheStore(join(cacheDir, 'kentra')).list(), []);
  });

  it('tells an unassigned user which group to ask for, and does not open tab after tab', async () => {
    const kubeconfig = join(dir, 'restricted.kubeconfig');
    const user = entra.users.developer;
    const created = await kentra.run([
      'kubeconfig',
      ...[
        '--kubeconfig',
        kubeconfig,
        '--cluster-name',
        'e2e',
        '--server',
        cluster.server,
        '--context',
        'restricted',
      ],
      ...[
        '--certificate-authority',
        cluster.caFile,
        '--tenant',
        entra.tenantId,
        '--client-id',
        entra.restrictedClientId,
      ],
      ...identityProviderFlags(entra),
      ...['--login-hint', user.upn, '--browser-command', standIn, '--access-group', 'platform-admins'],
    ]);
    assert.equal(created.code, 0, created.stderr);
    const env = environment(join(dir, 'cache-restricted'), user, entra);
    const browsers = (await browsersOpened()).length;
    const first = await kubectlAtTerminal(kubeconfig, whoamiArgs('restricted'), env);
    assert.notEqual(first.code, 0);
    assert.match(first.stderr, /not assigned to the Kubernetes app in Entra \(AADSTS50105\)/);
    assert.match(first.stderr, /Ask for membership of the Entra group "platform-admins"/);
    // An IDE polling kubectl right after: no new sign-in page, a clear reason instead.
    const again = await kubectlAtTerminal(kubeconfig, whoamiArgs('restricted'), env);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /the last sign-in for this account failed .*AADSTS50105/);
    assert.match(again.stderr, /Not opening another sign-in for \d+s/);
    assert.equal((await browsersOpened()).length, browsers + 1, 'one browser for both kubectl runs');
  });

  it('signs a CI pipeline in as an app with a client secret, without any prompt', async () => {
    const kubeconfig = join(dir, 'ci.kubeconfig');
    const app = entra.automation;
    const created = await kentra.run([
      'kubeconfig',
      ...['--kubeconfig', kubeconfig, '--cluster-name', 'e2e', '--server', cluster.server, '--context', 'ci'],
      ...['--certificate-authority', cluster.caFile, '--tenant', entra.tenantId, '--client-id', app.clientId],
      ...identityProviderFlags(entra),
      ...[
        '--grant-type',
        'client-credentials',
        '--token-type',
        'access',
        '--scope',
        `${entra.clientId}/.default`,
      ],
    ]);
    assert.equal(created.code, 0, created.stderr);
    const cacheDir = join(dir, 'cache-ci');
    const env = { ...environment(cacheDir, entra.users.developer, entra), AZURE_CLIENT_SECRET: app.secret };
    const browsers = (await browsersOpened()).length;
    entra.control.resetRequestCounts();
    const result = await kubectlPlain(kubeconfig, whoamiArgs('ci'), env);
    const [cached] = await new TokenCacheStore(join(cacheDir, 'kentra')).list();
    assert.ok(cached, 'the app token is cached');
    const appOid = JSON.parse(
      Buffer.from(cached.entry.token.split('.')[1] ?? '', 'base64url').toString(),
    ).oid;
    assert.equal(whoami(result), `${usernamePrefix}${appOid}`);
    assert.equal(entra.control.requestCount('authorize'), 0);
    assert.equal(entra.control.requestCount('token'), 1);
    assert.equal((await browsersOpened()).length, browsers);
    assert.ok(!result.stderr.includes(app.secret), 'the secret never appears in output');
  });

  it('still works when the cache cannot be written, and says so once', async () => {
    const kubeconfig = join(dir, 'ci.kubeconfig');
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file where KUBECACHEDIR should be a folder');
    const env = {
      ...environment(join(blocker, 'cache'), entra.users.developer, entra),
      AZURE_CLIENT_SECRET: entra.automation.secret,
    };
    const result = await kubectlPlain(kubeconfig, whoamiArgs('ci'), env);
    assert.match(whoami(result), /^entra:/);
    const warnings = result.stderr
      .split('\n')
      .filter((line) => line.includes('cannot write the token cache'));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0] ?? '', /the next kubectl command will sign in again/);
  });

  it('without a valid token and without a terminal: exits non-zero, says how to sign in, prints nothing on stdout', async () => {
    const kubeconfig = join(dir, 'chromium.kubeconfig');
    const env = environment(join(dir, 'cache-empty'), entra.users.developer, entra);
    const browsers = (await browsersOpened()).length;
    entra.control.resetRequestCounts();
    const viaKubectl = await kubectlPlain(kubeconfig, ['--context', 'dev', 'get', '--raw', '/version'], env);
    assert.notEqual(viaKubectl.code, 0);
    assert.equal(viaKubectl.stdout, '');
    assert.match(viaKubectl.stderr, /kentra: error \[auth\.interaction_required\]/);
    assert.match(viaKubectl.stderr, /Sign in once from a terminal/);

    const direct = await kentra.run(
      ['get-token', '--tenant', entra.tenantId, '--client-id', entra.clientId, '--authority', entra.url],
      {
        env: {
          ...env,
          KUBERNETES_EXEC_INFO: JSON.stringify({
            apiVersion: 'client.authentication.k8s.io/v1',
            kind: 'ExecCredential',
            spec: { interactive: false },
          }),
        },
      },
    );
    assert.equal(direct.code, 1);
    assert.equal(direct.stdout, '');
    assert.match(direct.stderr, /no valid token cached/);
    assert.equal(totalRequests(entra), 0);
    assert.equal((await browsersOpened()).length, browsers);
  });
});
