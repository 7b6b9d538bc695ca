/**
 * `kentra webhook`: reads the webhook configuration and the access file, wires
 * the real outside world (files, HTTPS with the configured CA, Graph through
 * the shared Graph access with an unattended --graph-auth mode, the clock, a
 * JSON log on stderr), runs the server until interrupted, and shuts down
 * gracefully.
 */
import type { FetchLike } from '../adapters/graph/client.js';
import { openGraph } from '../adapters/graph/open-graph.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { createCertificateAuthority } from '../adapters/pki.js';
import { type AccessFile, isObjectId } from '../domain/access/model.js';
import { KentraError } from '../errors.js';
import type { TextSink } from '../ports/text-sink.js';
import { parseWebhookConfig, resolveWebhookConfig, type WebhookConfig } from '../webhook/config.js';
import type { GroupScope } from '../webhook/directory-state.js';
import { graphReaderFrom } from '../webhook/graph-reader.js';
import { defaultSharedIdentity, type SharedIdentity } from '../webhook/identity.js';
import { jsonLog } from '../webhook/log.js';
import { WebhookMetrics } from '../webhook/metrics.js';
import type { RedisStateStore } from '../webhook/shared/redis-store.js';
import { startWebhook, type Webhook } from '../webhook/webhook.js';
import { loadAccessFile, type ReadText } from './load-access.js';

export interface WebhookRunIo {
  readText: ReadText;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  /** Where the JSON log lines go (stderr). */
  logSink: TextSink;
  interrupted: Promise<string>;
  /** Told once the server listens (for --print-url and tests). */
  onListening?: (webhook: Webhook) => void;
}

export interface WebhookFlags {
  config: string;
  /** Overrides `listen` as host:port. */
  listen?: string;
  /** Serve with a throw-away self-signed certificate (development only). */
  selfSigned?: boolean;
  /** Validate the configuration and stop. */
  check?: boolean;
}

export interface LoadedWebhookConfig {
  config: WebhookConfig;
  shared: SharedIdentity;
  /** The groups the access file's rules grant through; undefined without an access file (all groups). */
  scope: GroupScope | undefined;
}

export async function loadWebhookConfig(
  flags: WebhookFlags,
  io: Pick<WebhookRunIo, 'readText'>,
): Promise<LoadedWebhookConfig> {
  const text = await readOrExplain(io.readText, flags.config, 'the webhook configuration');
  const document = parseWebhookConfig(text, flags.config);
  const access = document.accessFile ? await loadAccessFile(document.accessFile, io.readText) : undefined;
  // Paths inside the access file are relative to it.
  const file = access && {
    ...access.file,
    tenant: {
      ...access.file.tenant,
      certificateAuthorityFile:
        access.file.tenant.certificateAuthorityFile &&
        access.resolvePath(access.file.tenant.certificateAuthorityFile),
    },
  };
  const config = resolveWebhookConfig(document, file, flags.config);
  if (flags.listen) {
    const match = /^(.*):(\d+)$/.exec(flags.listen);
    if (!match)
      throw new KentraError('usage', `--listen ${flags.listen} is not host:port`, {
        hint: 'For example --listen 0.0.0.0:8443',
      });
    config.listen = { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  }
  if (!config.tls && !flags.selfSigned)
    throw new KentraError('config.invalid', `${flags.config}: .tls is required`, {
      hint: 'Give tls.certFile and tls.keyFile, or run with --self-signed for a local trial.',
    });
  const shared = access
    ? { identity: access.file.identity, policy: access.file.policy }
    : defaultSharedIdentity(config.entra.tenants);
  return { config, shared, scope: access ? grantScope(access.file) : undefined };
}

export async function runWebhook(flags: WebhookFlags, io: WebhookRunIo): Promise<{ stoppedBy: string }> {
  const { config, shared, scope } = await loadWebhookConfig(flags, io);
  if (flags.check) return { stoppedBy: 'check' };
  const log = jsonLog(io.logSink, io.now, config.log.level);
  const caPem = config.entra.caFile
    ? await readOrExplain(io.readText, config.entra.caFile, '.entra.caFile')
    : undefined;
  const fetch: FetchLike = caPem ? fetchTrusting(caPem) : (globalThis.fetch as FetchLike);
  const metrics = new WebhookMetrics();
  let graph: ReturnType<typeof graphReaderFrom> | undefined;
  if (config.live) {
    const live = config.live;
    const client = openLiveGraph(
      config,
      flags.config,
      {
        ...io.env,
        ...(live.clientId ? { AZURE_CLIENT_ID: live.clientId } : {}),
        ...(live.clientSecretFile
          ? {
              AZURE_CLIENT_SECRET: (
                await readOrExplain(io.readText, live.clientSecretFile, '.live.clientSecretFile')
              ).trim(),
            }
          : {}),
        ...(live.clientCertificateFile ? { AZURE_CLIENT_CERTIFICATE_PATH: live.clientCertificateFile } : {}),
        ...(live.federatedTokenFile ? { AZURE_FEDERATED_TOKEN_FILE: live.federatedTokenFile } : {}),
      },
      // Graph requests counted by status, and a hung request given up on (graphFetch).
      { caPem, fetch: graphFetch(fetch, metrics, live.pollIntervalSeconds), now: io.now, log },
    );
    graph = graphReaderFrom(client, `${live.graphBase}/v1.0`);
  }
  const tls = config.tls
    ? {
        certPem: await readOrExplain(io.readText, config.tls.certFile, '.tls.certFile'),
        keyPem: await readOrExplain(io.readText, config.tls.keyFile, '.tls.keyFile'),
        ...(config.tls.clientCaFile
          ? { clientCaPem: await readOrExplain(io.readText, config.tls.clientCaFile, '.tls.clientCaFile') }
          : {}),
      }
    : await selfSigned(config.listen.host);
  const store = config.live?.store ? await openStore(config, scope, io, flags.config, caPem) : undefined;
  const webhook = await startWebhook(config, {
    now: io.now,
    fetch,
    graph,
    log,
    tls,
    shared,
    scope,
    metrics,
    ...(store ? { store } : {}),
  });
  io.onListening?.(webhook);
  const stoppedBy = await io.interrupted;
  await webhook.stop();
  return { stoppedBy };
}

/** What each unattended mode needs from the configuration (or the environment). */
const liveInputs: Record<NonNullable<WebhookConfig['live']>['graphAuth'], string> = {
  'client-secret': 'live.clientId and live.clientSecretFile (or AZURE_CLIENT_ID and AZURE_CLIENT_SECRET)',
  'client-certificate':
    'live.clientId and live.clientCertificateFile (or AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH)',
  'workload-identity':
    'live.clientId and live.federatedTokenFile (or AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE, as AKS workload identity injects them)',
  'managed-identity': 'nothing for the host identity; live.clientId for a user-assigned one',
};

/** Graph for the live state: the shared Graph access, with short retries (the poller adds its own back-off). */
function openLiveGraph(
  config: WebhookConfig,
  source: string,
  env: Readonly<Record<string, string | undefined>>,
  io: { caPem: string | undefined; fetch: FetchLike; now: () => number; log: ReturnType<typeof jsonLog> },
) {
  const live = config.live as NonNullable<WebhookConfig['live']>;
  try {
    const access = openGraph({
      auth: { mode: live.graphAuth },
      tenant: { id: config.entra.tenants[0], authority: config.entra.loginBase, graph: live.graphBase },
      caPem: io.caPem,
      env,
      now: io.now,
      progress: (message) => io.log('info', 'graph.auth', { message }),
      interactive: false,
      fetch: io.fetch,
      retry: {
        maxRetries: 2,
        maxDelayMs: live.maxStalenessSeconds * 500,
        onRetry: (info) =>
          io.log('warn', 'graph.retry', { status: info.status, delayMs: info.delayMs, path: info.path }),
      },
    });
    if (!access) throw new Error('no credential');
    return access.client();
  } catch (cause) {
    throw new KentraError(
      'config.invalid',
      `${source}: .live cannot sign in to Graph with graphAuth ${live.graphAuth}: ${(cause as Error).message}`,
      { cause, hint: `graphAuth ${live.graphAuth} needs ${liveInputs[live.graphAuth]}; docs/graph-auth.md.` },
    );
  }
}

/**
 * Every group a rule grants through, for any cluster (a superset of this cluster's is safe): only these
 * and the groups nested under them can put a user into a RoleBinding kentra manages.
 */
export function grantScope(file: AccessFile): GroupScope {
  const groups = [...new Set(file.rules.map((rule) => rule.group))];
  return { ids: groups.filter(isObjectId), names: groups.filter((g) => !isObjectId(g)) };
}

/**
 * Counts every Graph response by status for `kentra_webhook_graph_requests_total`, and gives up on a
 * request that hangs (a round must end so the poller can back off and staleness can fail closed).
 */
function graphFetch(fetch: FetchLike, metrics: WebhookMetrics, pollIntervalSeconds: number): FetchLike {
  const timeoutMs = Math.max(10_000, pollIntervalSeconds * 2000);
  return async (url, init) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Graph within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const response = await Promise.race([fetch(url, init), timeout]);
      metrics.graphCalls.inc({ status: String(response.status) });
      return response;
    } catch (error) {
      metrics.graphCalls.inc({ status: 'error' });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Connects the shared store named by live.store: its URL from the Secret file or the environment. */
async function openStore(
  config: WebhookConfig,
  scope: GroupScope | undefined,
  io: Pick<WebhookRunIo, 'readText' | 'env'>,
  source: string,
  caPem: string | undefined,
): Promise<{ store: RedisStateStore; name: string }> {
  const settings = config.live?.store;
  if (!settings) throw new Error('no store configured');
  const url = settings.urlFile
    ? (await readOrExplain(io.readText, settings.urlFile, '.live.store.urlFile')).trim()
    : io.env.KENTRA_WEBHOOK_STORE_URL;
  if (!url || !/^rediss?:\/\//.test(url))
    throw new KentraError('config.invalid', `${source}: .live.store needs a redis:// or rediss:// URL`, {
      hint: 'Put the URL in the file live.store.urlFile names (a mounted Secret), or in KENTRA_WEBHOOK_STORE_URL.',
    });
  const { redisClient, storeName } = await import('../adapters/redis.js');
  const { RedisStateStore } = await import('../webhook/shared/redis-store.js');
  const { scopeFingerprint } = await import('../webhook/shared/snapshot.js');
  const name = storeName(url);
  const options = caPem ? { caPem } : {};
  const prefix = `${settings.keyPrefix}:${config.entra.tenants[0]}:${scopeFingerprint(scope)}`;
  return { store: new RedisStateStore(redisClient(url, options), redisClient(url, options), prefix), name };
}

async function selfSigned(host: string): Promise<{ certPem: string; keyPem: string }> {
  const ca = await createCertificateAuthority('kentra-webhook-self-signed', 1);
  const isIp = /^[0-9.]+$|:/.test(host);
  return ca.issue({
    commonName: 'kentra-webhook',
    dnsNames: ['localhost', ...(isIp ? [] : [host])],
    ipAddresses: ['127.0.0.1', ...(isIp && host !== '0.0.0.0' ? [host] : [])],
    usage: 'server',
  });
}

async function readOrExplain(readText: ReadText, path: string, what: string): Promise<string> {
  try {
    return await readText(path);
  } catch (cause) {
    throw new KentraError('io.read', `cannot read ${what} at ${path}`, {
      cause,
      hint: 'Check the path (relative paths are resolved from the current directory).',
    });
  }
}
