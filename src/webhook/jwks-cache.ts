/**
 * The signing keys of one issuer, fetched from its JWKS endpoint and kept in
 * memory. Three rules shape it:
 *
 * - An unknown `kid` triggers a refresh (Entra rolls keys without notice), but
 *   at most once per `minRefreshIntervalMs`: a flood of tokens with invented
 *   key ids must not become a flood of requests to the issuer.
 * - A failed refresh never drops keys: while the issuer is unreachable, tokens
 *   signed with keys we already know keep validating.
 * - Keys are imported once per (kid, alg) and reused: importing is far more
 *   expensive than verifying.
 */
import { importJWK, type JWK } from 'jose';
import type { FetchLike } from '../adapters/graph/client.js';

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

export interface JwksCacheOptions {
  /** The issuer's jwks_uri (for Entra `https://login.microsoftonline.com/{tid}/discovery/v2.0/keys`). */
  jwksUri: string;
  /** global fetch, or adapters/http-fetch.ts fetchTrusting(ca) for a private CA. */
  fetch: FetchLike;
  now: () => number;
  /** Least time between two fetches caused by unknown key ids (default 30 s). */
  minRefreshIntervalMs?: number;
  /** Keys older than this are refreshed in the background while still served (default 1 h). */
  maxAgeMs?: number;
  /** A fetch that has not answered after this long counts as failed (default 10 s). */
  timeoutMs?: number;
  /** Called with a reason after a failed fetch (never with key material). */
  onRefreshFailed?: (reason: string) => void;
}

export interface JwksStatus {
  keyCount: number;
  /** Epoch ms of the last successful fetch, 0 if none yet. */
  lastSuccessAt: number;
  lastError: string | undefined;
  fetches: number;
}

export class JwksCache {
  private readonly options: Required<Omit<JwksCacheOptions, 'onRefreshFailed'>> &
    Pick<JwksCacheOptions, 'onRefreshFailed'>;
  private jwks = new Map<string, JWK>();
  private readonly imported = new Map<string, VerifyKey>();
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastSuccessAt = 0;
  private lastError: string | undefined;
  private fetches = 0;
  private inFlight: Promise<void> | undefined;

  constructor(options: JwksCacheOptions) {
    this.options = { minRefreshIntervalMs: 30_000, maxAgeMs: 3_600_000, timeoutMs: 10_000, ...options };
  }

  /** The verification key for `kid`, or undefined when the issuer does not publish it. */
  async keyFor(kid: string, alg: string): Promise<VerifyKey | undefined> {
    const now = this.options.now();
    if (this.lastSuccessAt > 0 && now - this.lastSuccessAt > this.options.maxAgeMs && this.mayFetch(now))
      void this.refresh(); // Background: the old keys keep serving meanwhile.
    let jwk = this.jwks.get(kid);
    if (!jwk && this.mayFetch(now)) {
      await this.refresh();
      jwk = this.jwks.get(kid);
    } else if (!jwk && this.inFlight) {
      await this.inFlight;
      jwk = this.jwks.get(kid);
    }
    if (!jwk) return undefined;
    const cacheKey = `${kid}\u0000${alg}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = await importJWK({ ...jwk, alg }, alg);
      this.imported.set(cacheKey, key);
    }
    return key;
  }

  /** Fetches the key set now (start-up warm-up); failures are reported, not thrown. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Starts a (rate-limited) background fetch when no keys are loaded yet: the
   * readiness probe calls this, so a webhook that started while the issuer was
   * down becomes ready without waiting for a review to arrive.
   */
  retryIfEmpty(): void {
    if (this.jwks.size === 0 && this.mayFetch(this.options.now())) void this.refresh();
  }

  status(): JwksStatus {
    return {
      keyCount: this.jwks.size,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      fetches: this.fetches,
    };
  }

  private mayFetch(now: number): boolean {
    return !this.inFlight && now - this.lastAttemptAt >= this.options.minRefreshIntervalMs;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttemptAt = this.options.now();
    this.fetches++;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${this.options.timeoutMs} ms`)),
          this.options.timeoutMs,
        );
      });
      const body = await Promise.race([
        (async () => {
          const response = await this.options.fetch(this.options.jwksUri, {
            method: 'GET',
            headers: { accept: 'application/json' },
          });
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          return response.text();
        })(),
        timeout,
      ]).finally(() => clearTimeout(timer));
      const keys = parseKeySet(body);
      if (keys.size === 0) throw new Error('no usable RSA signing keys in the key set');
      this.jwks = keys;
      // Drop imports of keys that were rotated out.
      for (const cacheKey of this.imported.keys())
        if (!keys.has(cacheKey.slice(0, cacheKey.indexOf('\u0000')))) this.imported.delete(cacheKey);
      this.lastSuccessAt = this.options.now();
      this.lastError = undefined;
    } catch (error) {
      this.lastError = `JWKS fetch from ${new URL(this.options.jwksUri).host} failed: ${
        error instanceof Error ? error.message : String(error)
      }`;
      this.options.onRefreshFailed?.(this.lastError);
    }
  }
}

/** Only RSA signature keys with a kid are kept: the validator accepts nothing else. */
function parseKeySet(body: string): Map<string, JWK> {
  const parsed = JSON.parse(body) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error('the answer has no "keys" array');
  const keys = new Map<string, JWK>();
  for (const candidate of parsed.keys as JWK[]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    if (candidate.kty !== 'RSA' || typeof candidate.kid !== 'string') continue;
    if (candidate.use !== undefined && candidate.use !== 'sig') continue;
    keys.set(candidate.kid, { kty: 'RSA', n: candidate.n, e: candidate.e, kid: candidate.kid });
  }
  return keys;
}
