/**
 * Just-in-time access end to end, all real and on loopback: the webhook world
 * (the emulator, `kentra webhook`, a kube-apiserver behind it and one with
 * plain structured authentication), RBAC that lets the PIM groups delete pods,
 * an access file whose jit rules name those groups, and per user a kubeconfig
 * whose contexts `oidc` and `webhook` run the built `kentra get-token` (so the
 * real kubectl reads kentra's token cache, the one `kentra elevate` refreshes).
 * kentra itself runs in-process (runCli) with the user's environment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { demoPimGroups } from '../../src/emulator/default-seed.js';
import { type CliRun, runCli } from '../helpers/cli.js';
import { emulatorAccessFile } from '../helpers/emulator-access-file.js';
import type { ControlPlane } from './control-plane.js';
import type { DemoUser } from './emulator.js';
import { kubectl } from './kubectl.js';
import type { RunResult } from './processes.js';
import { startWebhookWorld, type WebhookWorld } from './webhook-world.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const kentraEntry = join(repoRoot, 'dist/bin/kentra.js');
const standInBrowser = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;

/** The PIM groups of the demo tenant that may delete pods once active. */
export const jitGroups = [demoPimGroups.oncall, demoPimGroups.approval, demoPimGroups.mfa] as const;

/** What the webhook's access file names: the webhook world's usual groups and the PIM ones (it grants those live). */
export const webhookRuleGroups = ['developers', 'platform-admins', ...jitGroups];

export interface PimWorld {
  world: WebhookWorld;
  dir: string;
  accessPath: string;
  /** The user's kubeconfig (contexts `oidc` and `webhook`), written on first use. */
  kubeconfigOf(user: DemoUser): Promise<string>;
  /** `kentra ARGS` in-process as `user` (their token cache, the stand-in browser for sign-ins). */
  kentra(user: DemoUser, args: string[], options?: { onStderr?: (text: string) => void }): Promise<CliRun>;
  /**
   * Signs `user` in through get-token's use case (the stand-in browser on the emulator's page): kubectl
   * runs the plugin without a terminal and never opens a sign-in itself. Returns the cached token.
   */
  signIn(user: DemoUser): Promise<string>;
  /** The real kubectl as `user` against a context. */
  kubectlAs(user: DemoUser, context: 'oidc' | 'webhook', args: string[]): Promise<RunResult>;
  /** The groups `kentra webhook` answers for a token, asked as the API server asks it (its client certificate). */
  webhookGroups(token: string): Promise<string[]>;
  /** `kubectl delete pod NAME` as the user: allowed (deleted or not found) or forbidden. */
  deletePod(user: DemoUser, context: 'oidc' | 'webhook', name: string): Promise<'allowed' | 'forbidden'>;
  stop(): Promise<void>;
}

export async function startPimWorld(options: { pollIntervalSeconds: number }): Promise<PimWorld> {
  const world = await startWebhookWorld({
    pollIntervalSeconds: options.pollIntervalSeconds,
    maxStalenessSeconds: 30,
    structured: true,
    ruleGroups: webhookRuleGroups,
  });
  return pimWorldOn(world, { stopWorld: true });
}

/** The PIM part over a running webhook world (with its structured cluster); `stop` stops the world too when asked. */
export async function pimWorldOn(world: WebhookWorld, options: { stopWorld: boolean }): Promise<PimWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'kentra-pim-'));
  const stop = async () => {
    if (options.stopWorld) await world.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { entra } = world;
    const structured = world.structured as ControlPlane;
    const subjects = jitGroups.map((name) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Group',
      name: `entra:group:${entra.groups[name]}`,
    }));
    for (const cluster of [structured, world.viaWebhook]) {
      const applied = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'ClusterRole',
              metadata: { name: 'pod-deleter' },
              rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }],
            },
            {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'ClusterRoleBinding',
              metadata: { name: 'oncall-deletes-pods' },
              roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-deleter' },
              subjects,
            },
          ],
        }),
      });
      if (applied.code !== 0) throw new Error(`RBAC for the PIM groups: ${applied.stderr}`);
    }
    const accessPath = join(dir, 'kentra.yaml');
    await writeFile(
      accessPath,
      emulatorAccessFile(entra, {
        clusters: [
          {
            name: 'oidc',
            kind: 'self-managed',
            kubernetesVersion: '1.36',
            context: 'oidc',
            server: structured.server,
          },
          {
            name: 'webhook',
            kind: 'self-managed',
            kubernetesVersion: '1.36',
            context: 'webhook',
            server: world.viaWebhook.server,
          },
        ],
        rules: jitGroups.map((group) => ({ group, clusterRole: 'pod-deleter', jit: true })),
      }),
    );
    const envOf = (user: DemoUser) => ({
      PATH: process.env.PATH,
      HOME: dir,
      KUBECACHEDIR: join(dir, `cache-${user.upn.split('@')[0]}`),
      KENTRA_TEST_USER: user.upn,
      KENTRA_TEST_PASSWORD: user.password,
      KENTRA_TEST_MFA_CODE: user.mfaCode,
      KENTRA_TEST_CA_FILE: entra.caFile,
    });
    const getTokenArgs = (user: DemoUser) => [
      'get-token',
      ...['--tenant', entra.tenantId, '--client-id', entra.clientId, '--authority', entra.url],
      ...['--certificate-authority', entra.caFile, '--login-hint', user.upn],
      ...['--browser-command', standInBrowser],
    ];
    const written = new Map<string, string>();
    const kubeconfigOf = async (user: DemoUser) => {
      const found = written.get(user.upn);
      if (found) return found;
      const path = join(dir, `${user.upn.split('@')[0]}.kubeconfig`);
      const cluster = (name: string, plane: ControlPlane) => ({
        name,
        cluster: {
          server: plane.server,
          'certificate-authority-data': Buffer.from(plane.caPem).toString('base64'),
        },
      });
      await writeFile(
        path,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [cluster('oidc', structured), cluster('webhook', world.viaWebhook)],
          users: [
            {
              name: 'entra',
              user: {
                exec: {
                  apiVersion: 'client.authentication.k8s.io/v1',
                  command: kentraEntry,
                  args: getTokenArgs(user),
                  interactiveMode: 'IfAvailable',
                  provideClusterInfo: false,
                },
              },
            },
          ],
          contexts: [
            { name: 'oidc', context: { cluster: 'oidc', user: 'entra' } },
            { name: 'webhook', context: { cluster: 'webhook', user: 'entra' } },
          ],
          'current-context': 'oidc',
        }),
        { mode: 0o600 },
      );
      written.set(user.upn, path);
      return path;
    };
    const kentra: PimWorld['kentra'] = async (user, args, runOptions = {}) =>
      runCli([...args], {
        cwd: dir,
        env: { ...envOf(user), KUBECONFIG: await kubeconfigOf(user) },
        ...(runOptions.onStderr ? { onStderr: runOptions.onStderr } : {}),
      });
    const kubectlAs = async (user: DemoUser, context: 'oidc' | 'webhook', args: string[]) =>
      kubectl(await kubeconfigOf(user), ['--context', context, ...args], { env: envOf(user) });
    return {
      world,
      dir,
      accessPath,
      kubeconfigOf,
      kentra,
      async signIn(user) {
        const result = await kentra(user, getTokenArgs(user));
        if (result.code !== 0) throw new Error(`sign-in of ${user.upn} failed: ${result.stderr}`);
        return JSON.parse(result.stdout).status.token as string;
      },
      kubectlAs,
      webhookGroups: (token) =>
        new Promise((resolve, reject) => {
          const req = httpsRequest(
            `${world.webhook.server.url}/authenticate`,
            { method: 'POST', ...world.apiserverClient, headers: { 'content-type': 'application/json' } },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                body += chunk;
              });
              res.on('end', () => {
                const status = (JSON.parse(body) as { status?: { user?: { groups?: string[] } } }).status;
                resolve(status?.user?.groups ?? []);
              });
            },
          );
          req.on('error', reject);
          req.end(
            JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
          );
        }),
      async deletePod(user, context, name) {
        const result = await kubectlAs(user, context, [
          'delete',
          'pod',
          name,
          '-n',
          'default',
          '--wait=false',
        ]);
        if (result.code === 0 || /NotFound/.test(result.stderr)) return 'allowed';
        if (/forbidden/i.test(result.stderr)) return 'forbidden';
        throw new Error(`unexpected kubectl answer: ${result.stderr}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
