/**
 * Every `kentra get-token --login` mode, proven end to end: a context written by
 * `kentra kubeconfig --login MODE`, a sign-in, then the real kubectl's
 * `kubectl auth whoami` against the real kube-apiserver, which trusts the
 * emulator's v2 issuer for the kentra app's audience. One emulator and one
 * control plane serve the whole file; each mode has its own cache folder.
 *
 * - browser, devicecode: a person signs in with `kentra get-token` at a terminal
 *   (the stand-in browser through --browser-command; the device code approved on
 *   the emulator's page), and kubectl then runs on that cached sign-in. kubectl
 *   starting the sign-in itself is test/e2e/login-kubectl.test.ts.
 * - azurecli: the real `az` from PyPI, signed in to the emulator as a custom
 *   cloud (test/harness/azure-cli.ts); an `az` shim on the PATH counts its runs,
 *   so the file proves kentra's cache stands between kubectl and az.
 * - msi: the emulator's managed-identity endpoint, as App Service announces it
 *   (IDENTITY_ENDPOINT/IDENTITY_HEADER) for the system-assigned identity and as
 *   IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST) for a user-assigned one.
 * - workloadidentity: a token of a second OIDC issuer (test/helpers/test-issuer.ts)
 *   that a federated credential of an app trusts.
 * - spn: a client secret; a certificate as PEM and as PFX (AES and 3DES), from
 *   test/fixtures/certificates, registered on an app of the seed.
 * - Conditional Access: a policy blocks device code (authentication flows); the
 *   device code sign-in is refused and kentra retries once in the browser.
 *
 * kentra runs through test/harness/kentra-command.ts: the Node entry and the
 * compiled binary alike.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { TokenCacheStore } from '../../src/adapters/token-cache/store.js';
import { defaultSeed } from '../../src/emulator/default-seed.js';
import { azureCliFor } from '../harness/azure-cli.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import {
  blockDeviceCode,
  type DemoUser,
  deviceCodeApprover,
  type EmulatorHandle,
  startEmulator,
} from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { kubectlPath } from '../harness/kubectl.js';
import { type RunResult, run } from '../harness/processes.js';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const certificates = join(repoRoot, 'test/fixtures/certificates');
const pfxPassword = 'kentra-test-pfx-password';
const standIn = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;
const usernamePrefix = 'entra:';
const certificateAppId = '4b5c6d7e-8f90-4a1b-8c2d-3e4f5a6b7c8d';
const workloadAppId = '5c6d7e8f-9a0b-4b1c-9d2e-4f5a6b7c8d9e';
const workloadSubject = 'system:serviceaccount:ci:deployer';

/** The claims of a JWT, not verified (the API server verified it). */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, string>;

describe(`kentra get-token --login MODE, then kubectl auth whoami (kentra: ${kentra.name})`, () => {
  let issuer: TestIssuer;
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let dir: string;

  before(async () => {
    issuer = await startTestIssuer();
    const seed = defaultSeed();
    seed.tenants[0]?.applications?.push(
      {
        displayName: 'login-modes-certificate-app',
        appId: certificateAppId,
        certificates: [{ certificate: await readFile(join(certificates, 'cert.pem'), 'utf8') }],
      },
      {
        displayName: 'login-modes-workload-app',
        appId: workloadAppId,
        federatedCredentials: [{ name: 'ci', issuer: `${issuer.origin}/workload`, subject: workloadSubject }],
      },
    );
    entra = await startEmulator({ seed: stringify(seed), trustedCaPems: [issuer.caPem] });
    cluster = await startControlPlane({
      authenticationConfig: stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AuthenticationConfiguration',
        jwt: [
          {
            issuer: { url: entra.issuer, audiences: [entra.clientId], certificateAuthority: entra.caPem },
            claimMappings: { username: { claim: 'oid', prefix: usernamePrefix } },
          },
        ],
      }),
    });
    dir = await mkdtemp(join(tmpdir(), 'kentra-login-modes-'));
  });

  after(async () => {
    await cluster?.stop();
    await entra?.stop();
    await issuer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A kubeconfig with one context whose user runs `kentra get-token --login ...` (written by kentra kubeconfig). */
  async function context(name: string, getTokenFlags: string[]): Promise<string> {
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    const result = await kentra.run([
      'kubeconfig',
      ...['--kubeconfig', kubeconfig, '--cluster-name', 'e2e', '--server', cluster.server],
      ...['--certificate-authority', cluster.caFile, '--context', name, '--use-context'],
      ...['--tenant', entra.tenantId, '--authority', entra.url, '--idp-certificate-authority', entra.caFile],
      ...['--command', kentra.executable],
      ...getTokenFlags,
    ]);
    assert.equal(result.code, 0, result.stderr);
    return kubeconfig;
  }

  /** The environment of one mode: its own token cache, no display, nothing of the machine's Azure set-up. */
  function environment(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECACHEDIR: join(dir, `cache-${name}`), ...extra };
    for (const variable of ['DISPLAY', 'WAYLAND_DISPLAY', 'BROWSER', 'KUBERNETES_EXEC_INFO'])
      if (!(variable in extra)) delete env[variable];
    for (const variable of Object.keys(env))
      if (/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(variable) && !(variable in extra)) delete env[variable];
    return env;
  }

  /** A person's context (`--login MODE`, the stand-in browser) and its environment: the browser signs `user` in. */
  async function personContext(name: string, login: string, user: DemoUser) {
    const kubeconfig = await context(name, [
      ...['--client-id', entra.clientId, '--login', login, '--login-hint', user.upn],
      ...['--browser-command', standIn],
    ]);
    const env = environment(name, {
      KENTRA_TEST_USER: user.upn,
      KENTRA_TEST_PASSWORD: user.password,
      KENTRA_TEST_CA_FILE: entra.caFile,
    });
    return { kubeconfig, env };
  }

  /** kubectl as a script runs it (no terminal): `auth whoami`, the username the API server mapped. */
  async function whoami(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<string> {
    const result = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'json'], {
      env,
    });
    assert.equal(result.code, 0, `kubectl failed:\n${result.stderr}`);
    return (JSON.parse(result.stdout) as { status: { userInfo: { username: string } } }).status.userInfo
      .username;
  }

  /** The only cached token of a mode's cache folder. */
  async function cachedToken(name: string): Promise<string> {
    const entries = await new TokenCacheStore(join(dir, `cache-${name}`, 'kentra')).list();
    assert.equal(entries.length, 1, 'one cache entry');
    return entries[0]?.entry.token ?? '';
  }

  /** Requests a sign-in would make (the API server reads discovery and keys by itself). */
  const signInRequests = () =>
    ['token', 'authorize', 'devicecode', 'login'].reduce(
      (sum, endpoint) => sum + entra.control.requestCount(endpoint),
      0,
    );

  /** Approves the device code kentra prints on stderr, as a person on another device would. */
  const approveDeviceCode = (user: DemoUser) => deviceCodeApprover(entra, user);

  /** `kentra get-token` with a context's arguments, as a person at a terminal runs it. */
  async function signInByHand(kubeconfig: string, env: NodeJS.ProcessEnv, onStderr?: (text: string) => void) {
    const config = parse(await readFile(kubeconfig, 'utf8')) as {
      users: { user: { exec: { args: string[] } } }[];
    };
    const args = config.users[0]?.user.exec.args ?? [];
    assert.equal(args[0], 'get-token');
    return kentra.run(args, { env, onStderr });
  }

  it('browser: a person signs in through the browser, kubectl runs on the cached sign-in', async () => {
    const user = entra.users.developer;
    const { kubeconfig, env } = await personContext('browser', 'browser', user);
    const signedIn = await signInByHand(kubeconfig, env);
    assert.equal(signedIn.code, 0, signedIn.stderr);
    assert.match(signedIn.stderr, /sign in to Entra in your browser/);
    entra.control.resetRequestCounts();
    assert.equal(await whoami(kubeconfig, env), `${usernamePrefix}${user.oid}`);
    assert.equal(signInRequests(), 0, JSON.stringify(entra.control.requestCounts()));
  });

  it('devicecode: the code approved on another device, kubectl runs on the cached sign-in', async () => {
    const user = entra.users.admin;
    const kubeconfig = await context('devicecode', [
      ...['--client-id', entra.clientId, '--login', 'devicecode', '--login-hint', user.upn],
    ]);
    const env = environment('devicecode');
    const { onStderr, approvals } = approveDeviceCode(user);
    const signedIn = await signInByHand(kubeconfig, env, onStderr);
    await Promise.all(approvals);
    assert.equal(approvals.length, 1, signedIn.stderr);
    assert.equal(signedIn.code, 0, signedIn.stderr);
    assert.equal(await whoami(kubeconfig, env), `${usernamePrefix}${user.oid}`);
  });

  it('azurecli: the token az hands out, cached by kentra, so the next kubectl starts no az', async () => {
    const user = entra.users.admin;
    const cli = await azureCliFor(entra, join(dir, 'az-home'));
    const { onStderr, approvals } = approveDeviceCode(user);
    const login = await cli.login(onStderr);
    await Promise.all(approvals);
    assert.equal(login.code, 0, login.stderr);
    // A shim first on the PATH logs every run of az, then runs the real one.
    const shims = join(dir, 'az-shim');
    const runs = join(dir, 'az-runs.log');
    await mkdir(shims, { recursive: true });
    const realAz = (cli.env.PATH ?? '').split(delimiter)[0] ?? '';
    await writeFile(
      join(shims, 'az'),
      `#!/bin/sh\necho "$*" >> '${runs}'\nexec '${join(realAz, 'az')}' "$@"\n`,
    );
    await chmod(join(shims, 'az'), 0o755);
    await writeFile(runs, '');
    const kubeconfig = await context('azurecli', ['--client-id', entra.clientId, '--login', 'azurecli']);
    const env = environment('azurecli', {
      ...cli.env,
      PATH: `${shims}${delimiter}${cli.env.PATH ?? ''}`,
    });
    assert.equal(await whoami(kubeconfig, env), `${usernamePrefix}${user.oid}`);
    const azRuns = async () => (await readFile(runs, 'utf8')).split('\n').filter(Boolean);
    assert.equal((await azRuns()).length, 1, 'one az run for the first token');
    assert.match((await azRuns())[0] ?? '', /^account get-access-token /);
    assert.equal(claimsOf(await cachedToken('azurecli')).aud, entra.clientId);
    entra.control.resetRequestCounts();
    assert.equal(await whoami(kubeconfig, env), `${usernamePrefix}${user.oid}`);
    assert.equal((await azRuns()).length, 1, 'the second kubectl started no az');
    assert.equal(signInRequests(), 0, JSON.stringify(entra.control.requestCounts()));
  });

  it('msi: the system-assigned identity (App Service endpoint) and a user-assigned one by client ID (IMDS)', async () => {
    const system = await context('msi', ['--client-id', entra.clientId, '--login', 'msi']);
    const appService = environment('msi', {
      IDENTITY_ENDPOINT: entra.managedIdentity.endpoint,
      IDENTITY_HEADER: entra.managedIdentity.header,
    });
    const systemToken = async () => claimsOf(await cachedToken('msi'));
    assert.equal(await whoami(system, appService), `${usernamePrefix}${(await systemToken()).oid}`);
    assert.equal((await systemToken()).appid ?? (await systemToken()).azp, entra.hostIdentityClientId);

    const userAssigned = await context('msi-user', [
      ...['--client-id', entra.clientId, '--login', 'msi'],
      ...['--identity-client-id', entra.webhookIdentityClientId],
    ]);
    const imds = environment('msi-user', {
      AZURE_POD_IDENTITY_AUTHORITY_HOST: entra.managedIdentity.imdsHost,
    });
    const username = await whoami(userAssigned, imds);
    const userToken = claimsOf(await cachedToken('msi-user'));
    assert.equal(username, `${usernamePrefix}${userToken.oid}`);
    assert.equal(userToken.appid ?? userToken.azp, entra.webhookIdentityClientId);
    assert.notEqual(userToken.oid, (await systemToken()).oid, 'two identities, two users');
  });

  it('workloadidentity: a federated token of another issuer, trusted by the app', async () => {
    const tokenFile = join(dir, 'federated-token');
    const now = Math.floor(Date.now() / 1000);
    await writeFile(
      tokenFile,
      await issuer.signExact({
        iss: `${issuer.origin}/workload`,
        sub: workloadSubject,
        aud: 'api://AzureADTokenExchange',
        iat: now,
        exp: now + 3600,
      }),
    );
    const kubeconfig = await context('workload', [
      ...[
        '--client-id',
        workloadAppId,
        '--login',
        'workloadidentity',
        '--scope',
        `${entra.clientId}/.default`,
      ],
    ]);
    const env = environment('workload', { AZURE_FEDERATED_TOKEN_FILE: tokenFile });
    const from = entra.control.signIns().length;
    const username = await whoami(kubeconfig, env);
    const token = claimsOf(await cachedToken('workload'));
    assert.equal(username, `${usernamePrefix}${token.oid}`);
    assert.equal(token.azp ?? token.appid, workloadAppId);
    const signIn = entra.control.signIns().slice(from).at(-1);
    assert.equal(signIn?.clientCredentialType, 'federatedIdentityCredential');
  });

  it('spn with a client secret from AZURE_CLIENT_SECRET', async () => {
    const app = entra.automation;
    const kubeconfig = await context('spn-secret', [
      ...['--client-id', app.clientId, '--login', 'spn', '--scope', `${entra.clientId}/.default`],
    ]);
    const env = environment('spn-secret', { AZURE_CLIENT_SECRET: app.secret });
    const from = entra.control.signIns().length;
    const username = await whoami(kubeconfig, env);
    const token = claimsOf(await cachedToken('spn-secret'));
    assert.equal(username, `${usernamePrefix}${token.oid}`);
    assert.equal(token.azp ?? token.appid, app.clientId);
    assert.equal(entra.control.signIns().slice(from).at(-1)?.clientCredentialType, 'clientSecret');
  });

  it('spn with a certificate: PEM, and PFX (AES and 3DES) with its password', async () => {
    let oid: string | undefined;
    for (const [name, file, password] of [
      ['spn-pem', 'spn.pem', undefined],
      ['spn-pfx-aes', 'spn-aes.pfx', pfxPassword],
      ['spn-pfx-3des', 'spn-3des.pfx', pfxPassword],
    ] as const) {
      const kubeconfig = await context(name, [
        ...['--client-id', certificateAppId, '--login', 'spn', '--scope', `${entra.clientId}/.default`],
        ...['--client-certificate', join(certificates, file)],
      ]);
      const env = environment(name, password ? { AZURE_CLIENT_CERTIFICATE_PASSWORD: password } : {});
      const from = entra.control.signIns().length;
      const username = await whoami(kubeconfig, env);
      const token = claimsOf(await cachedToken(name));
      assert.equal(username, `${usernamePrefix}${token.oid}`, file);
      assert.equal(token.azp ?? token.appid, certificateAppId);
      oid ??= token.oid;
      assert.equal(token.oid, oid, 'the same service principal whatever the file format');
      assert.equal(entra.control.signIns().slice(from).at(-1)?.clientCredentialType, 'certificate');
    }
    // A wrong PFX password is said as such, without the password.
    const kubeconfig = await context('spn-pfx-wrong', [
      ...['--client-id', certificateAppId, '--login', 'spn', '--scope', `${entra.clientId}/.default`],
      ...['--client-certificate', join(certificates, 'spn-aes.pfx')],
    ]);
    const wrong = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'auth', 'whoami'], {
      env: environment('spn-pfx-wrong', { AZURE_CLIENT_CERTIFICATE_PASSWORD: 'not-the-password' }),
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /the PFX password is wrong/);
    assert.doesNotMatch(wrong.stderr, /not-the-password/);
  });

  it('Conditional Access blocks device code: kentra says so in one line and signs in once in the browser', async () => {
    const user = entra.users.noGroups;
    const policy = blockDeviceCode(entra.control);
    try {
      const { kubeconfig, env } = await personContext('ca-fallback', 'devicecode', user);
      const { onStderr, approvals } = approveDeviceCode(user);
      entra.control.resetRequestCounts();
      const signedIn: RunResult = await signInByHand(kubeconfig, env, onStderr);
      await Promise.all(approvals);
      assert.equal(signedIn.code, 0, signedIn.stderr);
      const notices = signedIn.stderr.split('\n').filter((line) => /AADSTS53003/.test(line));
      assert.deepEqual(notices, [
        'kentra: a Conditional Access policy blocked the sign-in (AADSTS53003); retrying once with --login browser.',
      ]);
      assert.equal(entra.control.requestCount('authorize'), 1, 'one browser sign-in');
      const log = entra.control
        .signIns()
        .filter((s) => s.userPrincipalName === user.upn)
        .map((s) => [s.authenticationProtocol, (s.status as { errorCode: number }).errorCode]);
      assert.ok(log.some(([protocol, code]) => protocol === 'deviceCode' && code === 53003));
      assert.deepEqual(log.at(-1), ['oAuth2', 0], 'the browser sign-in passed');
      assert.equal(await whoami(kubeconfig, env), `${usernamePrefix}${user.oid}`);
    } finally {
      entra.control.removeConditionalAccessPolicy(policy);
    }
  });

  it('logout --revoke: the user’s sessions end in Entra, and kentra forgets the user', async () => {
    const user = entra.users.developer;
    const { kubeconfig, env } = await personContext('revoke', 'browser', user);
    const signedIn = await signInByHand(kubeconfig, env);
    assert.equal(signedIn.code, 0, signedIn.stderr);
    const store = new TokenCacheStore(join(dir, 'cache-revoke', 'kentra'));
    const [before] = await store.list();
    assert.ok(before?.entry.msalCache, 'a refresh token is cached');
    entra.control.resetRequestCounts();

    const revoked = await kentra.run(['logout', '--revoke', '--graph', entra.url], {
      env: { ...env, KUBECONFIG: kubeconfig },
    });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(
      revoked.stdout,
      `Revoked every Entra sign-in session of ${user.upn}.\n` +
        `Signed out ${user.upn} (tenant ${entra.tenantId.toLowerCase()}, app ${entra.clientId}) for context revoke.\n`,
    );
    assert.equal(entra.control.requestCount('graph POST'), 1, JSON.stringify(entra.control.requestCounts()));
    assert.deepEqual(await store.list(), []);
    const { body } = await entra.graph(`/users/${user.oid}?$select=signInSessionsValidFromDateTime`);
    assert.ok(Date.parse(String(body.signInSessionsValidFromDateTime)) >= before.entry.obtainedAt - 1000);

    // The refresh token kentra held is dead in Entra now: put it back, aged, and let kubectl try it.
    await store.write({ ...before.entry, expiresAt: Date.now() - 1000 });
    const refused = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'auth', 'whoami'], { env });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /no valid token cached \(the session was revoked \(a password change, or an administrator revoked it\) \(AADSTS50173\)\) and kubectl runs without a terminal/,
    );
  });
});
