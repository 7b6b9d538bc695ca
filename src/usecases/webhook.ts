/**
 * `kentra webhook`: reads the webhook configuration and the access file, wires
 * the real outside world (files, HTTPS with the configured CA, Graph with
 * client-credentials tokens, the clock, a JSON log on stderr), runs the server
 * until interrupted, and shuts down gracefully.
 */
import { GraphClient } from '../adapters/graph/client.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { createCertificateAuthority } from '../adapters/pki.js';
import { KentraError } from '../errors.js';
import type { TextSink } from '../ports/text-sink.js';
import { parseWebhookConfig, resolveWebhookConfig, type WebhookConfig } from '../webhook/config.js';
import { graphReaderFrom } from '../webhook/graph-reader.js';
import { clientCredentialsToken } from '../webhook/graph-token.js';
import { defaultSharedIdentity, type SharedIdentity } from '../webhook/identity.js';
import { jsonLog } from '../webhook/log.js';
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
  return { config, shared };
}

export async function runWebhook(flags: WebhookFlags, io: WebhookRunIo): Promise<{ stoppedBy: string }> {
  const { config, shared } = await loadWebhookConfig(flags, io);
  if (flags.check) return { stoppedBy: 'check' };
  const log = jsonLog(io.logSink, io.now, config.log.level);
  const caPem = config.entra.caFile
    ? await readOrExplain(io.readText, config.entra.caFile, '.entra.caFile')
    : undefined;
  const fetch = caPem ? fetchTrusting(caPem) : (globalThis.fetch as never);
  let graph: ReturnType<typeof graphReaderFrom> | undefined;
  if (config.live) {
    const live = config.live;
    const secret = live.clientSecretFile
      ? (await readOrExplain(io.readText, live.clientSecretFile, '.live.clientSecretFile')).trim()
      : io.env.KENTRA_WEBHOOK_CLIENT_SECRET;
    if (!secret)
      throw new KentraError('config.invalid', `${flags.config}: .live needs a client secret`, {
        hint: 'Set live.clientSecretFile, or the KENTRA_WEBHOOK_CLIENT_SECRET environment variable.',
      });
    const accessToken = clientCredentialsToken(
      { tokenEndpoint: live.tokenEndpoint, clientId: live.clientId, clientSecret: secret },
      fetch,
      io.now,
    );
    const client = new GraphClient({
      baseUrl: live.graphBase,
      fetch,
      accessToken,
      now: io.now,
      // Short retries inside one delta round; the poller adds its own back-off and staleness bound.
      maxRetries: 2,
      maxDelayMs: live.maxStalenessSeconds * 500,
      onRetry: (info) =>
        log('warn', 'graph.retry', { status: info.status, delayMs: info.delayMs, path: info.path }),
    });
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
  const webhook = await startWebhook(config, { now: io.now, fetch, graph, log, tls, shared });
  io.onListening?.(webhook);
  const stoppedBy = await io.interrupted;
  await webhook.stop();
  return { stoppedBy };
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
