/**
 * What one token-cache file holds. The token handed to kubectl and its
 * lifetime are stored in the clear next to the key, so that a cache hit reads
 * one small JSON file and needs neither MSAL nor a JWT decoder. MSAL's own
 * serialized cache (account, refresh token) rides along for silent refresh.
 */
import type { CacheKey } from './key.js';

export interface CachedAccount {
  /** preferred_username / UPN, for messages and `kentra logout`. */
  username: string;
  homeAccountId: string;
  tenantId: string;
}

export interface CacheEntry {
  version: 1;
  key: CacheKey;
  /** The ID or access token (see key.tokenType). */
  token: string;
  obtainedAt: number;
  /** The token's `exp` in ms since the epoch. */
  expiresAt: number;
  account?: CachedAccount;
  /** MSAL's serialized token cache (holds the refresh token); absent for app-only tokens. */
  msalCache?: string;
}

export function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<CacheEntry>;
  return (
    entry.version === 1 &&
    typeof entry.token === 'string' &&
    typeof entry.obtainedAt === 'number' &&
    typeof entry.expiresAt === 'number' &&
    typeof entry.key === 'object' &&
    entry.key !== null
  );
}
