/**
 * Secret hygiene: every command runs with a known password, client secret,
 * Graph token, and the user's own ID/access and refresh tokens among its
 * inputs, and none of them may appear in any stdout, stderr (also with
 * KENTRA_DEBUG=1 cause chains), or any file kentra writes, the token cache
 * aside. The one place a token is meant to appear is get-token's stdout (the
 * ExecCredential kubectl reads); it is checked apart: nothing but that token.
 *
 * The Entra side is the emulator (a tenant with a known password and an
 * automation app with a known secret); the Kubernetes side is the shared real
 * kube-apiserver, which does not trust the emulator, so whoami and verify meet
 * a refusal: their error paths are part of what is searched.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ControlPlane } from '../harness/control-plane.js';
import { sharedControlPlane } from '../harness/world.js';
import { type CliRun, runCli } from '../helpers/cli.js';
import { automation, type EntraWorld, startEntraWorld, tenantId } from '../helpers/entra-world.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const standInBrowser = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;

interface Ran {
  command: string;
  run: CliRun;
}

async function filesUnder(dir: string, skip: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !path.startsWith(skip)) out.push(path);
  }
  return out;
}

/** Every refresh token and access/ID token MSAL keeps in a cache entry's serialized cache. */
function msalSecrets(serialized: string | undefined): [kind: string, secret: string][] {
  if (!serialized) return [];
  const cache = JSON.parse(serialized) as Record<string, Record<string, { secret?: string }>>;
  return ['RefreshToken', 'AccessToken', 'IdToken'].flatMap((kind) =>
    Object.values(cache[kind] ?? {}).flatMap((item) =>
      item.secret ? [[kind, item.secret] as [string, string]] : [],
    ),
  );
}

describe('secret hygiene: no token, refresh token, client secret or password in any output or file', () => {
  let world: EntraWorld;
  let cluster: ControlPlane;
  let cacheDir: string;
  const ran: Ran[] = [];
  const secrets = new Map<string, string>();
  let execCredentialOut = '';

  // Commands that read kentra.yaml get --access; the others run in its folder without it.
  const takesAccess = new Set(['entra', 'cluster', 'rbac', 'verify', 'whoami']);
  const kentra = async (args: string[], env: Record<string, string> = {}) => {
    const run = await runCli(
      takesAccess.has(args[0] ?? '') ? [...args, '--access', world.accessPath] : args,
      {
        cwd: world.dir,
        env: {
          AZURE_CLIENT_ID: automation.clientId,
          AZURE_CLIENT_SECRET: automation.secret,
          KUBECACHEDIR: cacheDir,
          HOME: world.dir,
          KUBECONFIG: join(world.dir, 'kubeconfig'),
          KENTRA_TEST_USER: world.user('dev').username,
          KENTRA_TEST_PASSWORD: world.user('dev').password,
          KENTRA_TEST_CA_FILE: world.entra.caFile,
          PATH: process.env.PATH ?? '',
          ...env,
        },
      },
    );
    ran.push({ command: `kentra ${args.join(' ')}`, run });
    return run;
  };

  before(async () => {
    cluster = await sharedControlPlane();
    world = await startEntraWorld();
    cacheDir = join(world.dir, 'cache');
    secrets.set('password', world.user('dev').password);
    secrets.set('client secret', automation.secret);
    const graphToken = await world.graphToken();
    secrets.set('Graph token', graphToken);
    await world.writeAccess({ name: 'kentra-hygiene' });
    await writeFile(join(world.dir, 'client-secret.txt'), automation.secret);
    await writeFile(
      join(world.dir, 'rbac.yaml'),
      stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'hygiene' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'Group', name: 'entra:group:developers' }],
      }),
    );
    await writeFile(
      join(world.dir, 'webhook.yaml'),
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'WebhookConfiguration',
        accessFile: world.accessPath,
        tls: { certFile: 'serving.crt', keyFile: 'serving.key' },
        live: { clientId: automation.clientId, clientSecretFile: 'client-secret.txt' },
      }),
    );

    // Entra: register the app (client-secret Graph sign-in), audit it, and with a ready Graph token.
    await kentra(['entra', 'setup']);
    await kentra(['entra', 'check']);
    await kentra(['entra', 'check', '-o', 'json'], { KENTRA_GRAPH_TOKEN: graphToken, KENTRA_DEBUG: '1' });
    const appId = /clientId: ([0-9a-f-]{36})/.exec(await world.readAccess())?.[1];
    assert.ok(appId, 'entra setup wrote the client ID back');

    // API-server side and kubeconfig.
    for (const format of ['auth-config', 'flags', 'eks', 'kind'])
      await kentra(['cluster', 'config', '--format', format]);
    await kentra([
      'kubeconfig',
      ...['--cluster-name', 'dev', '--server', cluster.server, '--certificate-authority', cluster.caFile],
      ...['--tenant', tenantId, '--client-id', appId, '--authority', world.entra.url],
      ...['--idp-certificate-authority', world.entra.caFile],
      ...['--login-hint', world.user('dev').username, '--browser-command', standInBrowser],
    ]);

    // Sign-ins: a person in the (stand-in) browser, then the automation app with its secret.
    const signIn = [
      'get-token',
      ...['--tenant', tenantId, '--client-id', appId, '--authority', world.entra.url],
      ...['--certificate-authority', world.entra.caFile, '--login-hint', world.user('dev').username],
      ...['--browser-command', standInBrowser, '--grant-type', 'authcode'],
    ];
    const person = await kentra(signIn);
    assert.equal(person.code, 0, person.stderr);
    execCredentialOut += person.stdout;
    const app = await kentra(
      [
        'get-token',
        ...['--tenant', tenantId, '--client-id', automation.clientId, '--authority', world.entra.url],
        ...['--certificate-authority', world.entra.caFile, '--grant-type', 'client-credentials'],
        ...['--scope', 'https://graph.microsoft.com/.default', '--token-type', 'access'],
      ],
      { AZURE_CLIENT_SECRET: automation.secret },
    );
    assert.equal(app.code, 0, app.stderr);
    execCredentialOut += app.stdout;
    // The tokens and refresh tokens kentra now holds are known inputs for everything after.
    for (const name of await readdir(join(cacheDir, 'kentra'))) {
      if (!name.endsWith('.json')) continue;
      const entry = JSON.parse(await readFile(join(cacheDir, 'kentra', name), 'utf8'));
      secrets.set(`cached token ${name}`, entry.token);
      for (const [i, [kind, secret]] of msalSecrets(entry.msalCache).entries())
        secrets.set(`${kind} ${i} of ${name}`, secret);
    }
    assert.ok(
      [...secrets.keys()].some((key) => key.startsWith('RefreshToken')),
      'a refresh token is among the inputs',
    );
    await kentra([...signIn, '--force-refresh']);

    // Proof of access: the API server refuses the emulator's tokens, so these run their error paths.
    // As the person (no app secret in the environment, so no client-credentials flow).
    const asPerson = { AZURE_CLIENT_SECRET: '', KENTRA_GRAPH_TOKEN: graphToken };
    await kentra(['whoami'], { ...asPerson, KENTRA_DEBUG: '1' });
    await kentra(['whoami', '-o', 'json'], asPerson);
    await kentra(
      ['verify', '--login-hint', world.user('dev').username, '--browser-command', standInBrowser],
      { ...asPerson, KENTRA_DEBUG: '1' },
    );
    await kentra(['rbac', 'plan'], { KUBECONFIG: cluster.adminKubeconfig, KENTRA_GRAPH_TOKEN: graphToken });

    // Offline evaluation, the audit trail, the webhook's config check.
    for (const output of ['table', 'csv', 'json'])
      await kentra(['access', 'matrix', '-f', 'rbac.yaml', '-o', output]);
    await kentra(['access', 'matrix', '-f', 'rbac.yaml', '-o', 'html', '--output-file', 'matrix.html']);
    await kentra([
      'access',
      'explain',
      'entra:someone',
      'get',
      'pods',
      '-f',
      'rbac.yaml',
      '--group',
      'entra:group:developers',
    ]);
    for (const output of ['table', 'json', 'ocsf'])
      await kentra(['audit', '--k8s-audit', cluster.auditLogPath, '-o', output]);
    await kentra(['webhook', '--check', '--config', join(world.dir, 'webhook.yaml')]);
    await kentra(['logout', '--all']);
    if (process.env.KENTRA_HYGIENE_TRACE)
      for (const { command, run } of ran)
        console.error(run.code, command.slice(0, 90), run.stderr.split('\n')[0]);
  });
  after(() => world?.stop());

  it('no command prints a secret on stdout or stderr (get-token stdout aside)', () => {
    assert.ok(ran.length >= 20, `ran ${ran.length} commands`);
    for (const { command, run } of ran)
      for (const [name, secret] of secrets) {
        assert.ok(!run.stderr.includes(secret), `${command}: stderr holds the ${name}`);
        if (!command.startsWith('kentra get-token'))
          assert.ok(!run.stdout.includes(secret), `${command}: stdout holds the ${name}`);
      }
  });

  it("get-token's stdout is the ExecCredential: the token handed to kubectl, never a refresh token, secret or password", () => {
    // What kubectl gets is the cached token (and MSAL's copies of that same ID/access token).
    const handedOver = (name: string) => /^(cached token|IdToken|AccessToken) /.test(name);
    for (const [name, secret] of secrets)
      if (!handedOver(name))
        assert.ok(!execCredentialOut.includes(secret), `get-token stdout holds the ${name}`);
  });

  it('no file kentra wrote holds a secret (the token cache aside)', async () => {
    const files = await filesUnder(world.dir, cacheDir);
    assert.ok(
      files.some((file) => file.endsWith('kubeconfig')),
      'the kubeconfig was written',
    );
    assert.ok(files.some((file) => file.endsWith('matrix.html')));
    for (const file of files) {
      if (file.endsWith('client-secret.txt')) continue; // the input itself
      const text = await readFile(file, 'utf8');
      for (const [name, secret] of secrets)
        assert.ok(!text.includes(secret), `${relative(world.dir, file)} holds the ${name}`);
    }
  });
});
