/**
 * `kentra webhook` as separate processes (the built dist/bin/kentra.js), and
 * a replicated world around them: the emulator, a real redis-server as the
 * shared store, N replicas behind a loopback TCP balancer (the Service), and a
 * real kube-apiserver whose token webhook is that balancer, presenting its
 * client certificate.
 *
 *   const world = await startReplicatedWebhookWorld({ replicas: 3, pollIntervalSeconds: 1, ... });
 *   world.replicas[i].kill('SIGKILL'); await world.leader(); await world.addReplica();
 *   world.redis.stop() / start(); world.entra.control.setFault(...)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderWebhookClient } from '../../src/webhook/render.js';
import { type ControlPlane, startControlPlane } from './control-plane.js';
import { type EmulatorHandle, startEmulator } from './emulator.js';
import { type RedisServer, startRedis } from './redis.js';
import { startTcpBalancer, type TcpBalancer } from './tcp-balancer.js';
import { writeWebhookFiles } from './webhook-world.js';

export const kentraBin = fileURLToPath(new URL('../../dist/bin/kentra.js', import.meta.url));

export interface WebhookProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** https://127.0.0.1:PORT and its port. */
  readonly url: string;
  readonly port: number;
  /** http://127.0.0.1:PORT of the health port. */
  readonly healthUrl: string;
  readonly exited: Promise<number | null>;
  logs(): string;
  /** GET on the health port: status and body. */
  health(path: '/readyz' | '/healthz' | '/metrics'): Promise<{ status: number; body: string }>;
  /** The value of a metric without labels, from /metrics. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `kentra webhook --config FILE` and resolves once it listens (not necessarily ready). */
export async function startWebhookProcess(
  name: string,
  configPath: string,
  env: Record<string, string> = {},
): Promise<WebhookProcess> {
  if (!existsSync(kentraBin))
    throw new Error('dist/bin/kentra.js is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [kentraBin, 'webhook', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const started = new Promise<{ url: string; health: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((l) => l.includes('"event":"webhook.started"'));
      if (line) {
        const fields = JSON.parse(line) as { url: string; health: string };
        resolve({ url: fields.url.replace(/\/authenticate$/, ''), health: fields.health });
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before listening:\n${text}`)));
  });
  const { url, health } = await started;
  const get = async (path: string) => {
    const response = await fetch(`${health}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return {
    name,
    child,
    url,
    port: Number(new URL(url).port),
    healthUrl: health,
    exited,
    logs: () => text,
    health: get,
    async metric(metric) {
      const { body } = await get('/metrics');
      const match = new RegExp(`^${metric} ([0-9.e+-]+)$`, 'm').exec(body);
      return match ? Number(match[1]) : Number.NaN;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ReplicatedWorldOptions {
  replicas: number;
  pollIntervalSeconds: number;
  maxStalenessSeconds: number;
  leaseSeconds: number;
  snapshotSeconds: number;
  /** A seed for the emulator (JSON or YAML text); default: the demo tenant. */
  seed?: string;
  /** Start a kube-apiserver behind the balancer (default true). */
  apiserver?: boolean;
  /** Groups (IDs or names) the access file grants through; default: developers and platform-admins. */
  ruleGroups?: readonly string[];
}

export interface ReplicatedWebhookWorld {
  entra: EmulatorHandle;
  redis: RedisServer;
  replicas: WebhookProcess[];
  balancer: TcpBalancer;
  cluster: ControlPlane | undefined;
  dir: string;
  configPath: string;
  /** Starts one more replica with the same configuration (and puts it behind the balancer). */
  addReplica(env?: Record<string, string>): Promise<WebhookProcess>;
  /** The replica whose /metrics says it leads, once exactly one does. */
  leader(limitMs?: number): Promise<WebhookProcess>;
  /** Every running replica answers /readyz with 200. */
  allReady(limitMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicatedWebhookWorld(
  options: ReplicatedWorldOptions,
): Promise<ReplicatedWebhookWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-replicas-'));
  const stops: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const entra = await startEmulator(options.seed ? { seed: options.seed } : {});
    stops.push(() => entra.stop());
    const redis = await startRedis();
    stops.push(() => redis.dispose());
    const redisUrlFile = join(dir, 'redis-url');
    await writeFile(redisUrlFile, `${redis.url}\n`, { mode: 0o600 });
    const files = await writeWebhookFiles(dir, entra, {
      ...(options.ruleGroups ? { ruleGroups: options.ruleGroups } : {}),
      pollIntervalSeconds: options.pollIntervalSeconds,
      maxStalenessSeconds: options.maxStalenessSeconds,
      extra: {
        listen: { healthPort: 0 },
        live: {
          store: {
            urlFile: redisUrlFile,
            leaseSeconds: options.leaseSeconds,
            snapshotSeconds: options.snapshotSeconds,
          },
        },
      },
    });
    const replicas: WebhookProcess[] = [];
    stops.push(async () => {
      for (const replica of replicas) await replica.stop();
    });
    const balancer = await startTcpBalancer([]);
    stops.push(() => balancer.close());
    let counter = 0;
    const addReplica = async (env: Record<string, string> = {}) => {
      const replica = await startWebhookProcess(`webhook-${++counter}`, files.configPath, env);
      replicas.push(replica);
      balancer.backends = [...balancer.backends, replica.port];
      void replica.exited.then(() => {
        balancer.backends = balancer.backends.filter((p) => p !== replica.port);
      });
      return replica;
    };
    for (let i = 0; i < options.replicas; i++) await addReplica();
    const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    const world: ReplicatedWebhookWorld = {
      entra,
      redis,
      replicas,
      balancer,
      cluster: undefined,
      dir,
      configPath: files.configPath,
      addReplica,
      async leader(limitMs = 30_000) {
        const started = Date.now();
        for (;;) {
          const leaders: WebhookProcess[] = [];
          for (const replica of alive())
            if ((await replica.metric('kentra_webhook_leader').catch(() => 0)) === 1) leaders.push(replica);
          if (leaders.length === 1) return leaders[0] as WebhookProcess;
          if (Date.now() - started > limitMs)
            throw new Error(`${leaders.length} leaders after ${limitMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      async allReady(limitMs = 60_000) {
        const started = Date.now();
        for (;;) {
          const answers = await Promise.all(
            alive().map((r) => r.health('/readyz').catch(() => ({ status: 0 }))),
          );
          if (answers.every((a) => a.status === 200)) return;
          if (Date.now() - started > limitMs)
            throw new Error(
              `replicas not ready after ${limitMs} ms:\n${alive()
                .map((r) => r.logs())
                .join('\n')}`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop,
    };
    if (options.apiserver !== false) {
      world.cluster = await startControlPlane({
        tokenWebhookKubeconfig: renderWebhookClient({
          url: `https://127.0.0.1:${balancer.port}`,
          caPem: files.ca.certPem,
          clientCertFile: files.clientCertFile,
          clientKeyFile: files.clientKeyFile,
        }).kubeconfigYaml,
        tokenWebhookCacheTtl: '1s',
        log: (line) => process.stderr.write(`${line}\n`),
      });
      stops.push(() => (world.cluster as ControlPlane).stop());
    }
    return world;
  } catch (error) {
    await stop();
    throw error;
  }
}
