import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  type KeyPairPem,
  loadCertificateAuthority,
} from '../../src/adapters/pki.js';
import { freePort } from './ports.js';
import { type Daemon, runToolScript, startDaemon } from './processes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ControlPlaneOptions {
  /** An `AuthenticationConfiguration` document (YAML or JSON) for `--authentication-config`. */
  authenticationConfig?: string;
  /** A kubeconfig for `--authentication-token-webhook-config-file` (TokenReview v1). */
  tokenWebhookKubeconfig?: string;
  /** `--authentication-token-webhook-cache-ttl`; "0s" bypasses the apiserver's cache. */
  tokenWebhookCacheTtl?: string;
  /** An audit policy document; the default logs every request at Metadata level. */
  auditPolicy?: string;
  extraArgs?: readonly string[];
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** What a test process needs to use a control plane started by another process (test/run.ts). */
export interface ControlPlaneDescriptor {
  server: string;
  caFile: string;
  adminKubeconfig: string;
  auditLogPath: string;
  dir: string;
  binDir: string;
  clientCaCertFile: string;
  clientCaKeyFile: string;
}

export interface ControlPlane {
  readonly descriptor: ControlPlaneDescriptor;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** PEM of the CA that signed the apiserver's serving certificate. */
  readonly caPem: string;
  readonly caFile: string;
  /** A kubeconfig for a `system:masters` client certificate. */
  readonly adminKubeconfig: string;
  /** JSON-lines audit log (audit.k8s.io/v1 Event). */
  readonly auditLogPath: string;
  /** Working folder: certificates, configs, logs. */
  readonly dir: string;
  readonly binDir: string;
  /** Writes a kubeconfig for a client-certificate user (CN=user, O=groups) and returns its path. */
  userKubeconfig(user: string, groups?: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

const defaultAuditPolicy = stringify({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [{ level: 'Metadata' }],
});

let binaries: Promise<string> | undefined;

/** Builds (first time, minutes) or reuses the cached etcd and kube-apiserver; returns their folder. */
export function ensureControlPlaneBinaries(log: (line: string) => void = defaultLog): Promise<string> {
  binaries ??= (async () => {
    const started = Date.now();
    const binDir = await runToolScript(join(repoRoot, 'tools/build-control-plane.sh'), log);
    log(`[control-plane] binaries ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return binDir;
  })();
  return binaries;
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? defaultLog;
  const binDir = await ensureControlPlaneBinaries(log);
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'kentra-cp-'));
  const pki = await generatePki(dir);
  const daemons: Daemon[] = [];
  const stop = async () => {
    for (const daemon of daemons.reverse()) await daemon.stop();
    daemons.length = 0;
    if (process.env.KENTRA_KEEP_CONTROL_PLANE !== '1') await rm(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClientPort, etcdPeerPort, apiPort] = await distinctFreePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcd = startDaemon(
      'etcd',
      join(binDir, 'etcd'),
      [
        '--name=kentra',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=kentra=http://127.0.0.1:${etcdPeerPort}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    daemons.push(etcd);
    await waitUntil(() => httpOk(`${etcdUrl}/health`), etcd, 'etcd /health');

    const auditLogPath = join(dir, 'audit.log');
    await writeFile(join(dir, 'audit-policy.yaml'), options.auditPolicy ?? defaultAuditPolicy);
    const args = [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${join(dir, 'pki')}`,
      `--tls-cert-file=${pki.files.servingCert}`,
      `--tls-private-key-file=${pki.files.servingKey}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      `--service-account-issuer=https://127.0.0.1:${apiPort}`,
      `--service-account-key-file=${pki.files.serviceAccountPublic}`,
      `--service-account-signing-key-file=${pki.files.serviceAccountPrivate}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      '--disable-admission-plugins=ServiceAccount',
      `--client-ca-file=${pki.files.clientCa}`,
      `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
      `--audit-log-path=${auditLogPath}`,
      '--audit-log-format=json',
      '--audit-log-mode=blocking',
      '--v=1',
    ];
    if (options.authenticationConfig !== undefined) {
      const path = join(dir, 'authentication-config.yaml');
      await writeFile(path, options.authenticationConfig);
      args.push(`--authentication-config=${path}`);
    }
    if (options.tokenWebhookKubeconfig !== undefined) {
      const path = join(dir, 'token-webhook.kubeconfig');
      await writeFile(path, options.tokenWebhookKubeconfig);
      args.push(
        `--authentication-token-webhook-config-file=${path}`,
        // The flag defaults to v1beta1; kentra's webhook speaks v1.
        '--authentication-token-webhook-version=v1',
        `--authentication-token-webhook-cache-ttl=${options.tokenWebhookCacheTtl ?? '10s'}`,
      );
    }
    args.push(...(options.extraArgs ?? []));
    const apiserver = startDaemon(
      'kube-apiserver',
      join(binDir, 'kube-apiserver'),
      args,
      join(dir, 'kube-apiserver.log'),
    );
    daemons.push(apiserver);
    const server = `https://127.0.0.1:${apiPort}`;
    const admin = await pki.clientCa.issue({
      commonName: 'kentra-admin',
      organizations: ['system:masters'],
      usage: 'client',
    });
    await waitUntil(
      () => httpsOk(`${server}/readyz`, pki.servingCa.certPem, admin),
      apiserver,
      'kube-apiserver /readyz',
    );

    const adminKubeconfig = join(dir, 'admin.kubeconfig');
    await writeFile(adminKubeconfig, kubeconfigFor(server, pki.servingCa.certPem, 'kentra-admin', admin));
    log(
      `[control-plane] kube-apiserver ready at ${server} after ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    const descriptor: ControlPlaneDescriptor = {
      server,
      caFile: pki.files.servingCa,
      adminKubeconfig,
      auditLogPath,
      dir,
      binDir,
      clientCaCertFile: pki.files.clientCa,
      clientCaKeyFile: pki.files.clientCaKey,
    };
    return controlPlaneFrom(descriptor, pki.servingCa.certPem, pki.clientCa, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Uses a control plane that another process started and owns; stop() is a no-op here. */
export async function attachControlPlane(descriptor: ControlPlaneDescriptor): Promise<ControlPlane> {
  const [caPem, clientCaCert, clientCaKey] = await Promise.all([
    readFile(descriptor.caFile, 'utf8'),
    readFile(descriptor.clientCaCertFile, 'utf8'),
    readFile(descriptor.clientCaKeyFile, 'utf8'),
  ]);
  const clientCa = await loadCertificateAuthority({ certPem: clientCaCert, keyPem: clientCaKey });
  return controlPlaneFrom(descriptor, caPem, clientCa, async () => {});
}

function controlPlaneFrom(
  descriptor: ControlPlaneDescriptor,
  caPem: string,
  clientCa: CertificateAuthority,
  stop: () => Promise<void>,
): ControlPlane {
  const { server, dir } = descriptor;
  return {
    descriptor,
    server,
    caPem,
    caFile: descriptor.caFile,
    adminKubeconfig: descriptor.adminKubeconfig,
    auditLogPath: descriptor.auditLogPath,
    dir,
    binDir: descriptor.binDir,
    async userKubeconfig(user, groups = []) {
      const pair = await clientCa.issue({ commonName: user, organizations: groups, usage: 'client' });
      const path = join(dir, `user-${user.replace(/[^A-Za-z0-9_.-]/g, '_')}-${Date.now()}.kubeconfig`);
      await writeFile(path, kubeconfigFor(server, caPem, user, pair));
      return path;
    },
    stop,
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

interface Pki {
  servingCa: CertificateAuthority;
  clientCa: CertificateAuthority;
  files: {
    servingCa: string;
    servingCert: string;
    servingKey: string;
    clientCa: string;
    clientCaKey: string;
    serviceAccountPublic: string;
    serviceAccountPrivate: string;
  };
}

async function generatePki(dir: string): Promise<Pki> {
  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir, { recursive: true });
  const servingCa = await createCertificateAuthority('kentra-test-serving-ca', 7);
  const clientCa = await createCertificateAuthority('kentra-test-client-ca', 7);
  const serving = await servingCa.issue({
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default'],
    ipAddresses: ['127.0.0.1', '10.0.0.1'],
    usage: 'server',
  });
  const sa = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files = {
    servingCa: join(pkiDir, 'serving-ca.crt'),
    servingCert: join(pkiDir, 'apiserver.crt'),
    servingKey: join(pkiDir, 'apiserver.key'),
    clientCa: join(pkiDir, 'client-ca.crt'),
    clientCaKey: join(pkiDir, 'client-ca.key'),
    serviceAccountPublic: join(pkiDir, 'sa.pub'),
    serviceAccountPrivate: join(pkiDir, 'sa.key'),
  };
  await Promise.all([
    writeFile(files.servingCa, servingCa.certPem),
    writeFile(files.servingCert, serving.certPem),
    writeFile(files.servingKey, serving.keyPem, { mode: 0o600 }),
    writeFile(files.clientCa, clientCa.certPem),
    writeFile(files.clientCaKey, clientCa.keyPem, { mode: 0o600 }),
    writeFile(files.serviceAccountPublic, sa.publicKey),
    writeFile(files.serviceAccountPrivate, sa.privateKey, { mode: 0o600 }),
  ]);
  return { servingCa, clientCa, files };
}

function kubeconfigFor(server: string, caPem: string, user: string, pair: KeyPairPem): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kentra-test', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [
      {
        name: user,
        user: { 'client-certificate-data': b64(pair.certPem), 'client-key-data': b64(pair.keyPem) },
      },
    ],
    contexts: [{ name: user, context: { cluster: 'kentra-test', user } }],
    'current-context': user,
  });
}

/**
 * Polls a readiness probe of a process we started. There is no event to await
 * for "etcd/apiserver is serving", so this is the one place that polls; it
 * fails fast if the process dies and gives up after two minutes.
 */
async function waitUntil(probe: () => Promise<boolean>, daemon: Daemon, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let died: unknown;
  daemon.exited.catch((error: unknown) => {
    died = error;
  });
  while (Date.now() < deadline) {
    if (died) throw died;
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not ready after 120s`);
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function httpsOk(url: string, caPem: string, client: KeyPairPem): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      url,
      { ca: caPem, cert: client.certPem, key: client.keyPem, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
