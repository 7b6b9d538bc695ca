/**
 * Remembers tokens that passed cryptographic validation, so that the API
 * server's repeated reviews of one token cost a hash and a map lookup instead
 * of a signature check.
 *
 * - The key is SHA-256 of the token (base64url): the token itself is never
 *   stored, so a heap dump does not hand out bearer credentials.
 * - An entry lives until the earlier of the token's own expiry and the
 *   configured TTL: it can never outlive the token's validity.
 * - Size is bounded; the oldest entry goes first (Map keeps insertion order).
 *
 * Policy and live Entra checks are not cached by time: they run on every
 * review, or reuse an outcome only while the live state's version is
 * unchanged (see review.ts); that is what makes offboarding instant.
 */
import { createHash, hash } from 'node:crypto';

/** SHA-256 of the token, base64url. One-shot `crypto.hash` (Node >= 20.12) is several times faster. */
export const tokenKey: (token: string) => string =
  typeof hash === 'function'
    ? (token) => hash('sha256', token, 'base64url')
    : (token) => createHash('sha256').update(token).digest('base64url');

export interface CacheEntry<T> {
  value: T;
  expiresAt: number;
}

export class ResultCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();
  hits = 0;
  misses = 0;

  constructor(private readonly options: { ttlMs: number; maxEntries: number; now: () => number }) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.options.now()) {
      this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** Stores `value` until `notAfter` (epoch ms) or the TTL, whichever is first. */
  set(key: string, value: T, notAfter: number): void {
    const expiresAt = Math.min(notAfter, this.options.now() + this.options.ttlMs);
    if (expiresAt <= this.options.now()) return;
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt });
  }

  /** Drops every entry (for example after the configuration changed). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
