/**
 * Builds the running webhook from a validated configuration and the impure
 * parts handed in by the entry point (clock, network, log, Graph): JWKS caches
 * per tenant, the token validator, the live Entra state, the result cache, the
 * review pipeline, metrics and the HTTPS server. Tests and the bench build the
 * same object graph with loopback servers and fakes.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FetchLike } from '../adapters/graph/client.js';
import { issuerFor, jwksUriFor } from '../domain/entra/issuers.js';
import type { WebhookConfig } from './config.js';
import type { GroupScope } from './directory-state.js';
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
import type { RedisStateStore } from './shared/redis-store.js';
import { SharedLiveState } from './shared/shared-state.js';
import { scopeFingerprint } from './shared/snapshot.js';
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
  /** The groups the access file grants through: only their memberships are held (default: all groups). */
  scope?: GroupScope;
  /** The shared store (config.live.store), connected by the caller's adapter. */
  store?: { store: RedisStateStore; name: string };
  /** Metrics (default: new); the caller may count Graph requests into it. */
  metrics?: WebhookMetrics;
}

export interface Webhook {
  readonly pipeline: ReviewPipeline;
  readonly metrics: WebhookMetrics;
  readonly state: EntraState | undefined;
  readonly shared: SharedLiveState | undefined;
  readonly server: RunningWebhookServer;
  /** Why reviews cannot be answered usefully yet, or undefined. */
  notReady(): string | undefined;
  stop(graceMs?: number): Promise<void>;
}

/** Everything but the HTTPS server: the bench drives this in-process. */
export function buildPipeline(config: WebhookConfig, deps: Omit<WebhookDeps, 'tls'>) {
  const metrics = deps.metrics ?? new WebhookMetrics();
  const bases = { v1: config.entra.stsBase, v2: config.entra.loginBase };
  const keysFor = signingKeysByTenant(bases, deps, metrics);
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
  const { state, shared } = liveState(config, deps);
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
  registerGauges(metrics, cache, state, shared);
  const notReady = (): string | undefined =>
    shared?.notReady() ?? state?.unfit() ?? missingSigningKeys(config.entra.tenants, keysFor);
  const warmUp = () => Promise.all(config.entra.tenants.map((tenant) => keysFor(tenant).refresh()));
  /** /debug/state: counts and ages only, never a user, group or token. */
  const debugState = () => ({
    live: state !== undefined,
    ready: notReady() ?? 'yes',
    stateVersion: state?.version ?? 0,
    stateAgeSeconds: state?.ready ? Math.round(state.stalenessMs() / 1000) : null,
    ...(state?.directory.counts() ?? {}),
    shared: shared !== undefined,
    leader: shared ? shared.leader : state !== undefined,
    streamLag: shared?.lag() ?? 0,
    storeUp: shared?.storeUp ?? null,
    cachedTokens: cache.size,
  });
  return { pipeline, metrics, state, shared, cache, notReady, warmUp, debugState };
}

/** One JWKS cache per tenant, made on first use, its fetches counted. */
function signingKeysByTenant(
  bases: { v1: string; v2: string },
  deps: Pick<WebhookDeps, 'fetch' | 'now' | 'log'>,
  metrics: WebhookMetrics,
): (tenantId: string) => JwksCache {
  const jwks = new Map<string, JwksCache>();
  return (tenantId) => {
    let cache = jwks.get(tenantId);
    if (!cache) {
      cache = new JwksCache({
        jwksUri: jwksUriFor(tenantId, bases),
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
}

/** The live Entra state when `live` is configured, shared through the store when one is named. */
function liveState(
  config: WebhookConfig,
  deps: Omit<WebhookDeps, 'tls'>,
): { state?: EntraState; shared?: SharedLiveState } {
  if (!config.live) return {};
  if (!deps.graph) throw new Error('live checks are configured but no Graph reader was given');
  const store = config.live.store;
  const shared =
    store && deps.store
      ? new SharedLiveState({
          store: deps.store.store,
          storeName: deps.store.name,
          identity: { tenant: config.entra.tenants[0] as string, scope: scopeFingerprint(deps.scope) },
          holder: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
          leaseTtlMs: store.leaseSeconds * 1000,
          snapshotIntervalMs: store.snapshotSeconds * 1000,
          now: deps.now,
          log: deps.log,
        })
      : undefined;
  const state = new EntraState({
    ...shared?.hooks(),
    graph: deps.graph,
    now: deps.now,
    pollIntervalMs: config.live.pollIntervalSeconds * 1000,
    maxStalenessMs: config.live.maxStalenessSeconds * 1000,
    // At least two attempts fit in the staleness bound, so one failed round never causes a denial.
    maxBackoffMs: Math.min(30_000, (config.live.maxStalenessSeconds * 1000) / 2),
    ...(deps.scope ? { scope: deps.scope } : {}),
    log: deps.log,
  });
  return { state, ...(shared ? { shared } : {}) };
}

/** Why no review can be answered yet for lack of keys (and a retry of the empty cache), or undefined. */
function missingSigningKeys(tenants: readonly string[], keysFor: (tenant: string) => JwksCache) {
  for (const tenant of tenants) {
    const keys = keysFor(tenant);
    if (keys.status().keyCount > 0) continue;
    keys.retryIfEmpty();
    return `no signing keys for tenant ${tenant} yet`;
  }
  return undefined;
}

function registerGauges(
  metrics: WebhookMetrics,
  cache: ResultCache<VerifiedToken>,
  state: EntraState | undefined,
  shared: SharedLiveState | undefined,
): void {
  metrics.gauge(
    'kentra_webhook_cache_entries',
    'Verified tokens held in the result cache.',
    () => cache.size,
  );
  metrics.gauge(
    'kentra_webhook_live_state_staleness_seconds',
    'Age of the live Entra state (-1 before the first sync).',
    () => {
      const age = state?.stalenessMs() ?? -1;
      return Number.isFinite(age) ? age / 1000 : -1;
    },
  );
  metrics.gauge(
    'kentra_webhook_graph_consecutive_failures',
    'Failed delta rounds in a row.',
    () => state?.consecutiveFailures ?? 0,
  );
  metrics.gauge(
    'kentra_webhook_leader',
    'Whether this replica polls Graph for the tenant (always 1 without a shared store).',
    () => (shared ? Number(shared.leader) : state ? 1 : 0),
  );
  metrics.gauge(
    'kentra_webhook_stream_lag_entries',
    'Shared-stream entries not applied here yet (0 without a shared store).',
    () => shared?.lag() ?? 0,
  );
  metrics.gauge('kentra_webhook_cache_hit_ratio', 'Token cache hits / lookups since start.', () => {
    const lookups = cache.hits + cache.misses;
    return lookups === 0 ? 0 : cache.hits / lookups;
  });
}

export async function startWebhook(config: WebhookConfig, deps: WebhookDeps): Promise<Webhook> {
  const built = buildPipeline(config, deps);
  if (built.state) await built.shared?.start(built.state);
  await Promise.all([built.warmUp(), built.state?.start()]);
  if (!deps.tls.clientCaPem)
    deps.log('warn', 'webhook.open', {
      detail:
        '/authenticate does not require a client certificate (tls.clientAuth: none): anyone who reaches the port can have tokens reviewed',
    });
  const server = await startWebhookServer({
    ...deps.tls,
    host: config.listen.host,
    port: config.listen.port,
    ...(config.listen.healthPort === undefined ? {} : { healthPort: config.listen.healthPort }),
    debugState: built.debugState,
    pipeline: built.pipeline,
    metrics: built.metrics,
    log: deps.log,
    notReady: built.notReady,
    maxBodyBytes: config.limits.maxBodyBytes,
  });
  deps.log('info', 'webhook.started', {
    url: `${server.url}/authenticate`,
    ...(server.healthUrl ? { health: server.healthUrl } : {}),
    shared: built.shared !== undefined,
    clientCertificates: deps.tls.clientCaPem ? 'required' : 'not required',
    tenants: config.entra.tenants,
    live: config.live !== undefined,
    ready: built.notReady() ?? 'yes',
  });
  return {
    pipeline: built.pipeline,
    metrics: built.metrics,
    state: built.state,
    shared: built.shared,
    server,
    notReady: built.notReady,
    async stop(graceMs) {
      deps.log('info', 'webhook.stopping', {});
      await server.close(graceMs);
      await built.state?.stop();
      await built.shared?.stop();
      deps.log('info', 'webhook.stopped', {});
    },
  };
}
