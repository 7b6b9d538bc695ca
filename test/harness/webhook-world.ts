/**
 * The webhook's e2e world, all real and on loopback: the Entra emulator, an
 * access file pointing at it, `kentra webhook` started through its use case
 * (config file, access file, TLS files, Graph client credentials), and a real
 * kube-apiserver whose token webhook is that server (cache TTL 1 s). Optionally
 * a second kube-apiserver with plain structured authentication rendered from
 * the same access file, for comparison.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import { renderAuthenticationConfiguration } from '../../src/domain/cluster-config/authentication-config.js';
import { authenticatorFromAccessFile } from '../../src/domain/identity/from-access-file.js';
import { loadAccessFile } from '../../src/usecases/load-access.js';
import { runWebhook } from '../../src/usecases/webhook.js';
import { renderWebhookClient } from '../../src/webhook/render.js';
import type { Webhook } from '../../src/webhook/webhook.js';
import { emulatorAccessFile } from '../helpers/emulator-access-file.js';
import { tokenKubeconfig } from '../helpers/token-kubeconfig.js';
import { type ControlPlane, startControlPlane } from './control-plane.js';
import { type EmulatorHandle, startEmulator } from './emulator.js';
import { kubectl } from './kubectl.js';

export interface WebhookWorld {
  entra: EmulatorHandle;
  webhook: Webhook;
  /** TLS options to call the webhook as the API server does (its CA and client certificate). */
  apiserverClient: { ca: string; cert: string; key: string };
  /** kube-apiserver authenticating Entra tokens through the webhook. */
  viaWebhook: ControlPlane;
  /** kube-apiserver with structured authentication for the same issuer (when asked for). */
  structured: ControlPlane | undefined;
  dir: string;
  /** Everything the webhook logged so far (JSON lines). */
  logs(): string;
  /** A kubeconfig that presents `token` to `cluster`. */
  tokenKubeconfig(cluster: ControlPlane, token: string): Promise<string>;
  stop(): Promise<void>;
}

export interface WebhookWorldOptions {
  pollIntervalSeconds: number;
  maxStalenessSeconds: number;
  structured?: boolean;
  /** Groups (IDs or names) the access file grants through; default: developers and platform-admins. */
  ruleGroups?: readonly string[];
}

export interface WebhookFiles {
  accessPath: string;
  configPath: string;
  /** CA of the webhook's serving certificate (names 127.0.0.1). */
  ca: { certPem: string };
  /** The API server's client certificate for calling the webhook. */
  apiserverClient: { certPem: string; keyPem: string };
  clientCertFile: string;
  clientKeyFile: string;
}

/**
 * The files a `kentra webhook` needs next to the emulator: an access file, a serving certificate for
 * 127.0.0.1, a client CA with the API server's client certificate, the Graph secret, and the config
 * (`extra` is merged into it: a shared store, a health port).
 */
export async function writeWebhookFiles(
  dir: string,
  entra: EmulatorHandle,
  options: WebhookWorldOptions & {
    extra?: { live?: Record<string, unknown>; listen?: Record<string, unknown> };
  },
): Promise<WebhookFiles> {
  const accessPath = join(dir, 'kentra.yaml');
  await writeFile(
    accessPath,
    emulatorAccessFile(entra, {
      clusters: [{ name: 'test', kind: 'self-managed', kubernetesVersion: '1.36' }],
      policy: { denyGuests: true, maxTokenAge: '2h', groupOverage: 'reject' },
      // The groups the e2e tests bind: the webhook holds the memberships of these (and what nests under them).
      rules: (options.ruleGroups ?? [entra.groups.developers, entra.groups['platform-admins']]).map(
        (group) => ({ group, clusterRole: 'view' }),
      ),
    }),
  );
  const ca = await createCertificateAuthority('kentra-webhook-e2e', 1);
  const serving = await ca.issue({
    commonName: 'kentra-webhook',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  // Only the API server may call the webhook: it presents a client certificate from this CA.
  const clientCa = await createCertificateAuthority('kentra-webhook-e2e-clients', 1);
  const apiserverClient = await clientCa.issue({ commonName: 'kube-apiserver', usage: 'client' });
  await writeFile(join(dir, 'client-ca.crt'), clientCa.certPem);
  await writeFile(join(dir, 'apiserver-client.crt'), apiserverClient.certPem);
  await writeFile(join(dir, 'apiserver-client.key'), apiserverClient.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'tls.crt'), serving.certPem);
  await writeFile(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'graph-secret'), entra.automation.secret, { mode: 0o600 });
  const configPath = join(dir, 'kentra-webhook.yaml');
  await writeFile(
    configPath,
    stringify({
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'WebhookConfiguration',
      accessFile: accessPath,
      listen: { host: '127.0.0.1', port: 0, ...options.extra?.listen },
      tls: {
        certFile: join(dir, 'tls.crt'),
        keyFile: join(dir, 'tls.key'),
        clientCaFile: join(dir, 'client-ca.crt'),
      },
      live: {
        clientId: entra.automation.clientId,
        clientSecretFile: join(dir, 'graph-secret'),
        pollIntervalSeconds: options.pollIntervalSeconds,
        maxStalenessSeconds: options.maxStalenessSeconds,
        ...options.extra?.live,
      },
      cache: { ttlSeconds: 60 },
      log: { level: 'info' },
    }),
  );
  return {
    accessPath,
    configPath,
    ca,
    apiserverClient,
    clientCertFile: join(dir, 'apiserver-client.crt'),
    clientKeyFile: join(dir, 'apiserver-client.key'),
  };
}

export async function startWebhookWorld(options: WebhookWorldOptions): Promise<WebhookWorld> {
  const entra = await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-e2e-'));
  const stops: Array<() => Promise<void>> = [
    () => rm(dir, { recursive: true, force: true }),
    () => entra.stop(),
  ];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const files = await writeWebhookFiles(dir, entra, options);
    const { accessPath, configPath, ca, apiserverClient } = files;
    let logText = '';
    let interrupt: (signal: string) => void = () => {};
    const interrupted = new Promise<string>((resolve) => {
      interrupt = resolve;
    });
    let onListening: (webhook: Webhook) => void = () => {};
    const listening = new Promise<Webhook>((resolve) => {
      onListening = resolve;
    });
    const running = runWebhook(
      { config: configPath },
      {
        readText: (path) => readFile(path, 'utf8'),
        env: {},
        now: Date.now,
        logSink: {
          write: (line) => {
            logText += line;
          },
        },
        interrupted,
        onListening,
      },
    );
    const webhook = await Promise.race([
      listening,
      running.then(() => {
        throw new Error('the webhook stopped before it listened');
      }),
    ]);
    stops.push(async () => {
      interrupt('test done');
      await running;
    });

    const log = (line: string) => process.stderr.write(`${line}\n`);
    const viaWebhook = await startControlPlane({
      tokenWebhookKubeconfig: renderWebhookClient({
        url: webhook.server.url,
        caPem: ca.certPem,
        clientCertFile: join(dir, 'apiserver-client.crt'),
        clientKeyFile: join(dir, 'apiserver-client.key'),
      }).kubeconfigYaml,
      tokenWebhookCacheTtl: '1s',
      log,
    });
    stops.push(() => viaWebhook.stop());

    let structured: ControlPlane | undefined;
    if (options.structured) {
      const access = await loadAccessFile(accessPath, (path) => readFile(path, 'utf8'));
      const authenticator = authenticatorFromAccessFile(access.file, entra.clientId);
      const authenticationConfig = renderAuthenticationConfiguration(authenticator, {
        apiVersion: 'apiserver.config.k8s.io/v1',
        certificateAuthority: entra.caPem,
      });
      structured = await startControlPlane({ authenticationConfig: stringify(authenticationConfig), log });
      stops.push(() => (structured as ControlPlane).stop());
    }

    let counter = 0;
    return {
      entra,
      webhook,
      apiserverClient: { ca: ca.certPem, cert: apiserverClient.certPem, key: apiserverClient.keyPem },
      viaWebhook,
      structured,
      dir,
      logs: () => logText,
      tokenKubeconfig: (cluster, token) =>
        writeTokenKubeconfig(join(dir, `token-${++counter}.kubeconfig`), cluster, token),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes a kubeconfig that presents `token` to `cluster`; returns its path. */
export async function writeTokenKubeconfig(
  path: string,
  cluster: ControlPlane,
  token: string,
): Promise<string> {
  await writeFile(path, tokenKubeconfig(cluster.server, cluster.caPem, token), { mode: 0o600 });
  return path;
}

/**
 * Lets the given RBAC subjects list configmaps. (The built-in `view` role is aggregated by the
 * controller manager, which this control plane does not run, so it has no rules here.)
 */
export async function grantView(
  cluster: ControlPlane,
  subjects: Array<{ kind: 'Group' | 'User'; name: string }>,
) {
  const documents = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'configmap-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'entra-configmap-readers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'configmap-reader' },
      subjects: subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
    },
  ];
  const result = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: documents }),
  });
  if (result.code !== 0) throw new Error(`granting configmap access failed: ${result.stderr}`);
}

export type Access = 'allowed' | 'forbidden' | 'unauthorized';

/** One real kubectl request; classifies the answer the way a user would read it. */
export async function access(kubeconfig: string): Promise<Access> {
  const result = await kubectl(kubeconfig, ['get', 'configmaps', '-n', 'default', '-o', 'name']);
  if (result.code === 0) return 'allowed';
  if (/forbidden/i.test(result.stderr)) return 'forbidden';
  if (/unauthorized|must be logged in/i.test(result.stderr)) return 'unauthorized';
  throw new Error(`unexpected kubectl failure: ${result.stderr}`);
}

/**
 * Repeats a real kubectl request until its answer is no longer `allowed` and
 * returns the milliseconds since `since`. Each attempt is itself a full kubectl
 * run (a few hundred ms): this is the measurement, not a sleep.
 */
export async function msUntilDenied(kubeconfig: string, since: number, limitMs: number): Promise<number> {
  while (Date.now() - since < limitMs) {
    if ((await access(kubeconfig)) !== 'allowed') return Date.now() - since;
  }
  return Number.POSITIVE_INFINITY;
}
