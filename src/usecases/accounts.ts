/**
 * `kentra accounts`: what kentra's token cache holds, one row per cached sign-in
 * (an account may have several: one per tenant, app and token kind), so a person
 * with several tenants or accounts can see which is signed in where, and until
 * when. Read-only; `kentra logout --account` forgets one.
 */
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import { accountOf } from './logout.js';

export type AccountKind = 'user' | 'app' | 'managed identity' | 'azure cli';

export interface CachedAccountRow {
  /** The UPN of a person; the client ID of an app or managed identity. */
  account: string;
  kind: AccountKind;
  /** The tenant the token is for (the sign-in's, else the one the kubeconfig names). */
  tenant: string;
  authority: string;
  /** The app the token is for (its audience, or the app that signed in as itself). */
  clientId: string;
  tokenType: 'id' | 'access';
  scopes: string[];
  /** The token's expiry, RFC 3339. */
  expires: string;
  expired: boolean;
  /** A refresh token is cached: an expired token is renewed without a prompt. */
  refreshable: boolean;
}

export function kindOf(entry: CacheEntry): AccountKind {
  const account = entry.key.account;
  if (account === 'app') return 'app';
  if (account === 'msi' || account.startsWith('msi:')) return 'managed identity';
  if (account === 'azurecli') return 'azure cli';
  return 'user';
}

export async function listAccounts(
  store: Pick<TokenCacheStore, 'list'>,
  now: number,
): Promise<CachedAccountRow[]> {
  const rows = (await store.list()).map(
    ({ entry }): CachedAccountRow => ({
      account: accountOf(entry),
      kind: kindOf(entry),
      tenant: entry.account?.tenantId ?? entry.key.tenant,
      authority: entry.key.authority,
      clientId: entry.key.clientId,
      tokenType: entry.key.tokenType,
      scopes: entry.key.scopes,
      expires: new Date(entry.expiresAt).toISOString(),
      expired: entry.expiresAt <= now,
      refreshable: Boolean(entry.msalCache),
    }),
  );
  return rows.sort(
    (a, b) =>
      a.tenant.localeCompare(b.tenant) ||
      a.account.localeCompare(b.account) ||
      a.clientId.localeCompare(b.clientId),
  );
}
