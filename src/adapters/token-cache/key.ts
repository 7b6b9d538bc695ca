/**
 * The identity of one token-cache entry. Everything that changes which token
 * the identity provider would hand out is part of the key, so several accounts,
 * tenants, apps and clusters never share an entry (the top complaint about
 * both kubelogins: int128/kubelogin#29, #1132, #1474; Azure/kubelogin#159, #243).
 */
import { fnv1a128 } from './fnv.js';

export interface CacheKey {
  /** Authority host URL without tenant, lower case, no trailing slash (https://login.microsoftonline.com). */
  authority: string;
  tenant: string;
  clientId: string;
  /** Sorted, de-duplicated. */
  scopes: string[];
  /** Which token is handed to kubectl. */
  tokenType: 'id' | 'access';
  /**
   * The account: a login hint (UPN) when one was given, `app` for client
   * credentials / workload identity, or '' for "whoever signs in".
   */
  account: string;
}

export function cacheKey(input: CacheKey): CacheKey {
  return {
    authority: input.authority.toLowerCase().replace(/\/+$/, ''),
    tenant: input.tenant.toLowerCase(),
    clientId: input.clientId.toLowerCase(),
    scopes: [...new Set(input.scopes)].sort(),
    tokenType: input.tokenType,
    account: input.account.toLowerCase(),
  };
}

/** The key as one string: what ids are computed over and what entries are matched by. */
export function canonicalKey(key: CacheKey): string {
  return JSON.stringify([key.authority, key.tenant, key.clientId, key.scopes, key.tokenType, key.account]);
}

/**
 * A file-name-safe id for a key: FNV-1a 128 over the canonical form. Not a
 * security boundary: FNV is not collision-resistant, so the full key is stored
 * in the entry and `sameKey` compares it on every read (a collision is only a
 * cache miss, never another account's token). Loading node:crypto for a
 * stronger hash would cost the cache-hit path more than everything else it
 * does (bench/get-token.ts).
 */
export function cacheKeyId(key: CacheKey): string {
  return fnv1a128(canonicalKey(key));
}

/** Whether two keys are the same key: the whole canonical form, never only its hash. */
export function sameKey(a: CacheKey, b: CacheKey): boolean {
  return canonicalKey(a) === canonicalKey(b);
}
