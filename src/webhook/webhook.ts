/**
 * Builds the running webhook from a validated configuration and the impure
 * parts handed in by the entry point (clock, network, log, Graph): JWKS caches
 * per tenant, the token validator, the live Entra state, the result cache, the
 * review pipeline, metrics and the HTTPS server. Tests and the bench build the
 * same object graph with loopback servers and fakes.
 */
import type { FetchLike } from '../adapters/graph/client.js';
import { issuerFor, jwksUriFor } from '../domain/entra/issuers.js';
import type { WebhookConfig } from './config.js';
import { EntraState } from './entra-state.js';
import type { GraphReader } from './graph-reader.js';
import { defaultSharedIdentity, type SharedIdentity, sharedClaimMapper } from './identity.js';
import { JwksCache } from './jwks-cache.js';
import type { Log } from './log.js';
import { WebhookMetrics } from './metrics.js';
import { livePolicy } from './policy.js';
import { ResultCache } from './result-cache.js';
import { ReviewPipeline, type VerifiedToken } from './review.js';
import { type RunningWebhookServer, startWebhookServer } from './server.js';
import { TokenValidator } from './token-validator.js';

export interface WebhookDeps {
  now: () => number;
  /** For JWKS (and the Graph token endpoint); trusts `entra.caFile` when given. */
  fetch: FetchLike;
  /** Graph reads for the live state; required when `config.live` is set. */
  graph: GraphReader | undefined;
  log: Log;
  tls: { certPem: string; keyPem: string; clientCaPem?: string };
  /** Mapping and policy from the access file (shared with the structured config); default: kentra's. */
  shared?: SharedIdentity;
}

export interface Webhook {
  readonly pipeline: ReviewPipeline;
  readonly metrics: WebhookMetrics;
  readonly state: EntraState | undefined;
  readonly server: RunningWebhookServer;
  /** Why reviews cannot be answered usefully yet, or undefined. */
  notReady(): string | undefined;
  stop(graceMs?: number): Promise<void>;
}

/** Everything but the HTTPS server: the bench drives this in-process. */
export function buildPipeline(config: WebhookConfig, deps: Omit<WebhookDeps, 'tls'>) {
  const metrics = new WebhookMetrics();
  const bases = { v1: config.entra.stsBase, v2: config.entra.loginBase };
  const jwks = new Map<string, JwksCache>();
  const keysFor = (tenantId: string): JwksCache => {
    let cache = jwks.get(tenantId);
    if (!cache) {
      const jwksUri = jwksUriFor(tenantId, bases);
      cache = new JwksCache({
        jwksUri,
        fetch: async (url, init) => {
          const response = await deps.fetch(url, init);
          metrics.jwksFetches.inc({ outcome: String(response.status) });
          return response;
        },
        now: deps.now,
        onRefreshFailed: (reason) => {
          metrics.jwksFetches.inc({ outcome: 'failed' });
          deps.log('warn', 'jwks.refresh_failed', { tenant: tenantId, reason });
        },
      });
      jwks.set(tenantId, cache);
    }
    return cache;
  };
  const validator = new TokenValidator({
    tenants: config.entra.tenants,
    issuerVersions: config.entra.issuerVersions,
    issuerBases: bases,
    audiences: config.entra.audiences,
    allowedClientApps: config.entra.allowedClientApps,
    clockSkewSeconds: config.entra.clockSkewSeconds,
    maxTokenLength: config.limits.maxTokenLength,
    now: deps.now,
    keysFor,
  });
  let state: EntraState | undefined;
  if (config.live) {
    if (!deps.graph) throw new Error('live checks are configured but no Graph reader was given');
    state = new EntraState({
      graph: deps.graph,
      now: deps.now,
      pollIntervalMs: config.live.pollIntervalSeconds * 1000,
      maxStalenessMs: config.live.maxStalenessSeconds * 1000,
      // At least two attempts fit in the staleness bound, so one failed round never causes a denial.
      maxBackoffMs: Math.min(30_000, (config.live.maxStalenessSeconds * 1000) / 2),
      log: deps.log,
    });
  }
  const cache = new ResultCache<VerifiedToken>({
    ttlMs: config.cache.ttlSeconds * 1000,
    maxEntries: config.cache.maxEntries,
    now: deps.now,
  });
  const pipeline = new ReviewPipeline({
    validator,
    live: state,
    mapClaims: sharedClaimMapper(
      deps.shared ?? defaultSharedIdentity(config.entra.tenants),
      config.entra.tenants.flatMap((tenant) =>
        config.entra.issuerVersions.map((version) => issuerFor(version, tenant, bases)),
      ),
      config.entra.audiences,
    ),
    policy: livePolicy(config.policy),
    cache,
    now: deps.now,
    log: deps.log,
    metrics,
  });
  const liveState = state;
  metrics.gauge(
    'kentra_webhook_cache_entries',
    'Verified tokens held in the result cache.',
    () => cache.size,
  );
  metrics.gauge(
    'kentra_webhook_live_state_staleness_seconds',
    'Age of the live Entra state (-1 before the first sync).',
    () => {
      const age = liveState?.stalenessMs() ?? -1;
      return Number.isFinite(age) ? age / 1000 : -1;
    },
  );
  metrics.gauge(
    'kentra_webhook_graph_consecutive_failures',
    'Failed delta rounds in a row.',
    () => liveState?.consecutiveFailures ?? 0,
  );
  const notReady = (): string | undefined => {
    const unfit = liveState?.unfit();
    if (unfit) return unfit;
    for (const tenant of config.entra.tenants) {
      const keys = keysFor(tenant);
      if (keys.status().keyCount > 0) continue;
      keys.retryIfEmpty();
      return `no signing keys for tenant ${tenant} yet`;
    }
    return undefined;
  };
  const warmUp = () => Promise.all(config.entra.tenants.map((tenant) => keysFor(tenant).refresh()));
  return { pipeline, metrics, state, cache, notReady, warmUp };
}

export async function startWebhook(config: WebhookConfig, deps: WebhookDeps): Promise<Webhook> {
  const built = buildPipeline(config, deps);
  await Promise.all([built.warmUp(), built.state?.start()]);
  const server = await startWebhookServer({
    ...deps.tls,
    host: config.listen.host,
    port: config.listen.port,
    pipeline: built.pipeline,
    metrics: built.metrics,
    log: deps.log,
    notReady: built.notReady,
    maxBodyBytes: config.limits.maxBodyBytes,
  });
  deps.log('info', 'webhook.started', {
    url: `${server.url}/authenticate`,
    tenants: config.entra.tenants,
    live: config.live !== undefined,
    ready: built.notReady() ?? 'yes',
  });
  return {
    pipeline: built.pipeline,
    metrics: built.metrics,
    state: built.state,
    server,
    notReady: built.notReady,
    async stop(graceMs) {
      deps.log('info', 'webhook.stopping', {});
      await server.close(graceMs);
      await built.state?.stop();
      deps.log('info', 'webhook.stopped', {});
    },
  };
}
