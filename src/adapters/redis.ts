/**
 * The one way to Redis (the webhook's shared state; issue #13). ioredis rather
 * than node-redis: one package with its own types, Lua scripts and streams as
 * plain commands, a reconnect loop that never gives up (`retryStrategy`), and
 * `enableOfflineQueue: false`, so a command fails at once while the store is
 * away instead of queueing — the webhook then answers from memory and knows
 * the store is gone. It works with any Redis 6+ (Azure Cache for Redis
 * included: `rediss://` URLs get TLS, with an extra CA when one is given).
 */
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisClientOptions {
  /** Extra CA (PEM) for `rediss://` servers with a private CA. */
  caPem?: string;
  /** Told about connection errors (without credentials); ioredis keeps reconnecting meanwhile. */
  onError?: (message: string) => void;
  /** Longest wait for a command (ms); a hung store must not hang a review's caller. */
  commandTimeoutMs?: number;
}

export function redisClient(url: string, options: RedisClientOptions = {}): Redis {
  const tls = url.startsWith('rediss://') ? { tls: options.caPem ? { ca: options.caPem } : {} } : {};
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 5000,
    // Reconnect forever, at most every 2 s: the store coming back must be noticed without a restart.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    ...tls,
  });
  client.on('error', (error: Error) => options.onError?.(error.message));
  return client;
}

/** The URL without user or password, for logs and /readyz. */
export function storeName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'redis (unparseable URL)';
  }
}
