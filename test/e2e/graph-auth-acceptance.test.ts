/**
 * Issue #12 acceptance for the one Graph access: `kentra rbac plan`, `whoami`,
 * `verify` and `audit --signins graph` read Microsoft Graph (the emulator's)
 * with `--graph-auth client-secret` (AZURE_CLIENT_ID / AZURE_CLIENT_SECRET in
 * the environment) and with `--graph-auth device-code` (a person approves the
 * code shown on stderr), and never with KENTRA_GRAPH_TOKEN. Each command's
 * output shows something only Graph could tell it (group names, "Entra agrees",
 * sign-ins read), and the emulator's sign-in log shows who signed in to Graph.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { azureCliClientId } from '../../src/domain/entra/well-known.js';
import type { DemoUser } from '../harness/emulator.js';
import { kentra, type RunOptions } from '../harness/kentra-command.js';
import { type EntraCluster, startEntraCluster } from '../helpers/entra-cluster.js';
import { tokenKubeconfig } from '../helpers/token-kubeconfig.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const standInBrowser = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;
const namespace = 'shop';

describe(`issue #12 acceptance: rbac plan, whoami, verify and audit --signins graph through --graph-auth (kentra: ${kentra.name})`, () => {
  let world: EntraCluster;
  let userKubeconfig: string;

  before(async () => {
    world = await startEntraCluster({
      name: 'graph-auth',
      rules: [
        { group: 'platform-admins', clusterRole: 'cluster-admin' },
        { group: 'developers', clusterRole: 'shop-reader', namespaces: [namespace] },
      ],
      role: {
        namespace,
        name: 'shop-reader',
        rules: ['{apiGroups: [""], resources: [configmaps], verbs: [get, list]}'],
      },
    });
    // Devi's kubectl credential: a token the API server accepts (whoami shows both sides of it).
    const { idToken } = await world.entra.signInWithPassword({ user: world.entra.users.developer });
    userKubeconfig = join(world.dir, 'devi.kubeconfig');
    await writeFile(userKubeconfig, tokenKubeconfig(world.cluster.server, world.cluster.caPem, idToken), {
      mode: 0o600,
    });
  });
  after(() => world?.stop());

  /** How each mode gets its Graph identity, and who the emulator then saw sign in to Graph. */
  const modes = {
    'client-secret': {
      env: () => world.graphSecretEnv,
      signedIn: () => ({ appId: world.entra.automation.clientId, clientCredentialType: 'clientSecret' }),
    },
    'device-code': {
      env: () => ({}),
      signedIn: () => ({ appId: azureCliClientId, userPrincipalName: world.entra.users.admin.upn }),
    },
  } as const;

  for (const [mode, how] of Object.entries(modes)) {
    describe(`--graph-auth ${mode}`, () => {
      /** Runs kentra with this mode; a device-code prompt is approved by the admin on "another device". */
      async function run(args: string[], user: DemoUser = world.entra.users.admin, options: RunOptions = {}) {
        const from = world.entra.control.signIns().length;
        const approvals: Promise<void>[] = [];
        const env = {
          PATH: process.env.PATH,
          HOME: world.dir,
          KUBECONFIG: world.cluster.adminKubeconfig,
          KUBECACHEDIR: join(world.dir, 'cache'),
          KENTRA_TEST_USER: user.upn,
          KENTRA_TEST_PASSWORD: user.password,
          KENTRA_TEST_CA_FILE: world.entra.caFile,
          ...how.env(),
        };
        assert.equal('KENTRA_GRAPH_TOKEN' in env, false);
        const result = await kentra.run([...args, '--graph-auth', mode], {
          cwd: world.dir,
          env,
          onStderr: (text: string) => {
            const prompt = /open the page (\S+) and enter the code (\S+)/.exec(text);
            const admin = world.entra.users.admin;
            if (prompt?.[1] && prompt[2])
              approvals.push(
                world.entra
                  .browser()
                  .approveDeviceCode(prompt[1], prompt[2], { username: admin.upn, password: admin.password }),
              );
          },
          ...options,
        });
        await Promise.all(approvals);
        assert.equal(approvals.length, mode === 'device-code' ? 1 : 0, 'one device-code prompt per command');
        const expected = how.signedIn();
        const graphSignIn = world.entra.control
          .signIns()
          .slice(from)
          .find((s) => s.appId === expected.appId && s.resourceId === '00000003-0000-0000-c000-000000000000');
        assert.ok(graphSignIn, `no Graph sign-in by ${expected.appId}`);
        for (const [field, value] of Object.entries(expected)) assert.equal(graphSignIn[field], value, field);
        return result;
      }

      it('rbac plan resolves the group names through Graph', async () => {
        const result = await run(['rbac', 'plan', '--access', world.accessPath, '-o', 'json']);
        assert.equal(result.code, 0, result.stderr);
        const plan = JSON.parse(result.stdout) as {
          changes: { action: string; group?: string; subject?: string }[];
        };
        const developers = plan.changes.find((change) => change.group === 'developers');
        assert.ok(
          developers?.subject?.endsWith(world.entra.groups.developers ?? '-'),
          'the name became its object ID',
        );
        assert.ok(
          plan.changes.every((change) => change.action === 'unchanged'),
          'the bindings rbac apply made match the file',
        );
      });

      it('whoami names the groups of the token', async () => {
        const result = await run(['whoami', '--kubeconfig', userKubeconfig, '--access', world.accessPath]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`${world.entra.groups.developers} +developers`));
        assert.doesNotMatch(result.stderr, /group names not resolved/);
      });

      it('verify asks Entra whether a user without groups really has none', async () => {
        const user = world.entra.users.noGroups;
        const result = await run(
          [
            ...['verify', '--access', world.accessPath, '--login-hint', user.upn, '-o', 'json'],
            // A person signs in (get-token's auto would take AZURE_CLIENT_SECRET as an app sign-in).
            ...['--grant-type', 'authcode', '--browser-command', standInBrowser],
          ],
          user,
        );
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        const report = JSON.parse(result.stdout) as { checks: { id: string; summary: string }[] };
        const groups = report.checks.find((check) => check.id === 'groups-claim');
        assert.equal(groups?.summary, 'no groups in the token, and Entra agrees: the user is in no group');
      });

      it('audit --signins graph reads the sign-in log from Graph', async () => {
        const result = await run([
          ...['audit', '--k8s-audit', world.cluster.auditLogPath, '--signins', 'graph'],
          ...['--access', world.accessPath, '-o', 'json'],
        ]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stderr,
          /read [1-9]\d* sign-ins, \d+ group-management audits, \d+ PIM requests and \d+ group names from Microsoft Graph/,
        );
        assert.ok(
          result.stdout.split('\n').some((line) => line.includes('"signIn":{')),
          'requests joined to sign-ins',
        );
      });
    });
  }
});
