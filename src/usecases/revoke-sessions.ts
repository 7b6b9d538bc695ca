/**
 * `kentra logout --revoke`: ends every sign-in session of the signed-in user in
 * Entra (Microsoft Graph `POST /me/revokeSignInSessions`), not only kentra's
 * cached copy: every refresh token the user holds, on every device and in every
 * app, stops working (Entra then answers AADSTS50173), and browser sessions must
 * sign in again. The call is delegated: the user's own Graph token, redeemed
 * silently from the refresh token kentra cached for the cluster (user-graph.ts,
 * as for elevate), so no Graph credential of another kind is involved.
 *
 * Graph documents the delegated permission User.RevokeSessions.All (admin consent
 * required) for this call (learn.microsoft.com/graph/api/user-revokesigninsessions);
 * docs/get-token.md says what to grant.
 */
import { type FetchLike, GraphRequestError } from '../adapters/graph/client.js';
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import { graphFor, graphResourceFor } from '../domain/entra/clouds.js';
import { KentraError } from '../errors.js';
import type { GetTokenDeps, GetTokenInput } from './get-token-cache.js';
import { userGraph } from './user-graph.js';

/** The delegated Graph permission revokeSignInSessions needs (least privileged). */
export const revokePermission = 'User.RevokeSessions.All';

export interface RevokeDeps {
  /** get-token's dependencies (authority CA, clock, MSAL flows). */
  tokens: GetTokenDeps;
  fetch: FetchLike;
  /** Graph's base URL (default: the Graph of the entry's cloud). */
  graph?: string;
  /** The authority's CA file (the emulator, a private authority). */
  caFile?: string;
}

/** Revokes the sessions of the user whose sign-in `entry` caches. */
export async function revokeSignInSessions(entry: CacheEntry, deps: RevokeDeps): Promise<void> {
  const { key } = entry;
  const graph = deps.graph ?? graphFor(key.authority);
  const input: GetTokenInput = {
    authorityHost: key.authority,
    tenant: key.tenant,
    clientId: key.clientId,
    tokenType: key.tokenType,
    scopes: key.scopes,
    login: 'auto',
    caFile: deps.caFile,
    timeoutMs: 60_000,
    forceRefresh: false,
  };
  const { client } = userGraph(
    input,
    { baseUrl: graph, resource: graphResourceFor(graph), fetch: deps.fetch },
    deps.tokens,
    { permissions: [revokePermission], entry },
  );
  try {
    await client.post('/me/revokeSignInSessions', {});
  } catch (error) {
    if (error instanceof GraphRequestError && (error.status === 401 || error.status === 403))
      throw new KentraError(
        'graph.request',
        `Microsoft Graph refused to revoke the sessions of ${entry.account?.username ?? 'the user'} (${error.status})`,
        {
          cause: error,
          hint: `The kentra app (${key.clientId}) needs the delegated Microsoft Graph permission ${revokePermission}, with admin consent. Nothing was removed from the cache.`,
        },
      );
    throw error;
  }
}
