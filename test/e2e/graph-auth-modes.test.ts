/**
 * Every `--graph-auth` mode, proven against the emulator with a real command
 * (`kentra entra check`, a Graph read) and the emulator's sign-in log, which
 * records who signed in and with which credential type:
 *
 * kentra runs as a child process, the Node entry and the compiled binary alike
 * (test/harness/kentra-command.ts), with only the environment each mode names:
 * token, client-secret, client-certificate, workload-identity (a token of the
 * test OIDC issuer that a federated credential trusts), device-code (the Azure
 * CLI's first-party public client, approved on the emulator's device-login
 * page), managed-identity (IDENTITY_ENDPOINT / IDENTITY_HEADER of the emulator's
 * endpoint, which @azure/identity reads from the process environment), browser
 * (xdg-open runs $BROWSER: a script driving Debian's Chromium through the
 * sign-in page) and azure-cli (the real `az` from PyPI, signed in by device
 * code to the emulator registered as a custom cloud; test/harness/azure-cli.ts).
 */
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { azureCliClientId } from '../../src/domain/entra/well-known.js';
import type { SignIn } from '../../src/emulator/signin-log.js';
import { azureCliFor } from '../harness/azure-cli.js';
import { spkiHash } from '../harness/chromium.js';
import { deviceCodeApprover, type EmulatorHandle } from '../harness/emulator.js';
import { kentra } from '../harness/kentra-command.js';
import { type AppCredentials, startAppCredentials } from '../helpers/app-credentials.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const readApps = ['Application.Read.All', 'Group.Read.All'];

describe(`--graph-auth: every mode against the emulator (kentra: ${kentra.name})`, () => {
  let world: AppCredentials;
  let entra: EmulatorHandle;
  let dir: string;
  let accessPath: string;

  before(async () => {
    world = await startAppCredentials({
      graphRoles: readApps,
      subject: 'repo:contoso/platform:environment:prod',
    });
    ({ entra, dir, accessPath } = world);
  });
  after(() => world?.stop());

  const checkArgs = (mode: string) => [
    'entra',
    'check',
    '--access',
    accessPath,
    '-o',
    'json',
    '--graph-auth',
    mode,
  ];
  /** `entra check` read the app through Graph: its JSON names the tenant and the app. */
  function assertChecked(result: { code: number; stdout: string; stderr: string }) {
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { tenantId: string; appId: string };
    assert.deepEqual([report.tenantId, report.appId], [entra.tenantId, entra.clientId]);
  }
  /** The newest sign-in of an app since `from` (an index into the log). */
  const signInSince = (from: number, appId: string): SignIn | undefined =>
    entra.control
      .signIns()
      .slice(from)
      .filter((s) => s.appId === appId)
      .at(-1);
  const mark = () => entra.control.signIns().length;
  const approveDeviceCodes = (user = entra.users.admin) => deviceCodeApprover(entra, user);

  it('token: KENTRA_GRAPH_TOKEN as it is', async () => {
    assertChecked(
      await kentra.run(checkArgs('token'), {
        cwd: dir,
        env: { KENTRA_GRAPH_TOKEN: await entra.graphToken() },
      }),
    );
  });

  it('client-secret: AZURE_CLIENT_ID + AZURE_CLIENT_SECRET', async () => {
    const from = mark();
    const env = { AZURE_CLIENT_ID: entra.automation.clientId, AZURE_CLIENT_SECRET: entra.automation.secret };
    assertChecked(await kentra.run(checkArgs('client-secret'), { cwd: dir, env }));
    assert.equal(signInSince(from, entra.automation.clientId)?.clientCredentialType, 'clientSecret');
  });

  it('client-certificate: AZURE_CLIENT_CERTIFICATE_PATH, a client assertion signed with the key', async () => {
    const from = mark();
    const { appId, file } = world.certificate;
    assertChecked(
      await kentra.run(checkArgs('client-certificate'), {
        cwd: dir,
        env: { AZURE_CLIENT_ID: appId, AZURE_CLIENT_CERTIFICATE_PATH: file },
      }),
    );
    assert.equal(signInSince(from, appId)?.clientCredentialType, 'certificate');
  });

  it('workload-identity: AZURE_FEDERATED_TOKEN_FILE from another issuer, trusted by a federated credential', async () => {
    const from = mark();
    const { appId, tokenFile } = world.workload;
    assertChecked(
      await kentra.run(checkArgs('workload-identity'), {
        cwd: dir,
        env: { AZURE_CLIENT_ID: appId, AZURE_FEDERATED_TOKEN_FILE: tokenFile },
      }),
    );
    assert.equal(signInSince(from, appId)?.clientCredentialType, 'federatedIdentityCredential');
  });

  it('device-code: the prompt on stderr, approved on another device, with the Azure CLI public client', async () => {
    const from = mark();
    const { onStderr, approvals } = approveDeviceCodes();
    const result = await kentra.run(checkArgs('device-code'), { cwd: dir, env: { HOME: dir }, onStderr });
    await Promise.all(approvals);
    assert.equal(approvals.length, 1);
    assertChecked(result);
    const signIn = signInSince(from, azureCliClientId);
    assert.deepEqual(
      [signIn?.userPrincipalName, signIn?.authenticationProtocol],
      [entra.users.admin.upn, 'deviceCode'],
    );
  });

  it('managed-identity: the emulator’s endpoint, found through IDENTITY_ENDPOINT/IDENTITY_HEADER', async () => {
    const from = mark();
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      IDENTITY_ENDPOINT: entra.managedIdentity.endpoint,
      IDENTITY_HEADER: entra.managedIdentity.header,
    };
    assertChecked(await kentra.run(checkArgs('managed-identity'), { env, cwd: dir }));
    assert.deepEqual(signInSince(from, entra.hostIdentityClientId)?.signInEventTypes, ['managedIdentity']);
    // And `auto` finds it by itself, as it would on an Azure host.
    assertChecked(await kentra.run(checkArgs('auto'), { env, cwd: dir }));
  });

  it('browser: the system browser (xdg-open runs $BROWSER: real Chromium) and a loopback redirect', async () => {
    const from = mark();
    const browser = join(dir, 'chromium-sign-in');
    const script = join(repoRoot, 'test/e2e/login-chromium-browser.ts');
    await writeFile(
      browser,
      `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${script}" "$1"\n`,
    );
    await chmod(browser, 0o755);
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      BROWSER: browser,
      KENTRA_TEST_USER: entra.users.admin.upn,
      KENTRA_TEST_PASSWORD: entra.users.admin.password,
      KENTRA_TEST_CA_SPKI: spkiHash(entra.caPem),
    };
    assertChecked(await kentra.run(checkArgs('browser'), { env, cwd: dir }));
    const signIn = signInSince(from, azureCliClientId);
    assert.deepEqual([signIn?.userPrincipalName, signIn?.isInteractive], [entra.users.admin.upn, true]);
  });

  it('azure-cli: the real az from PyPI, signed in to the emulator as a custom cloud', async () => {
    const cli = await azureCliFor(entra, dir);
    const { onStderr, approvals } = approveDeviceCodes();
    const login = await cli.login(onStderr);
    await Promise.all(approvals);
    assert.equal(login.code, 0, login.stderr);
    const from = mark();
    assertChecked(await kentra.run(checkArgs('azure-cli'), { env: cli.env, cwd: dir }));
    // az redeemed its refresh token for a Graph token: a non-interactive sign-in of the Azure CLI app.
    const signIn = signInSince(from, azureCliClientId);
    assert.deepEqual(
      [signIn?.userPrincipalName, signIn?.resourceId],
      [entra.users.admin.upn, '00000003-0000-0000-c000-000000000000'],
    );
    // And `auto` ends at the Azure CLI when no other credential is set and az is installed.
    assertChecked(await kentra.run(checkArgs('auto'), { env: cli.env, cwd: dir }));
  });
});
