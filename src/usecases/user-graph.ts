/**
 * Microsoft Graph as the signed-in user, for `kentra elevate` (and the
 * portal's activation) and `kentra logout --revoke`: the one place that turns
 * a user's cached kentra sign-in into a delegated Graph client.
 *
 * Why not `--graph-auth` (the Graph access of admin-style commands)? PIM
 * self-activation is a delegated operation: Entra activates the membership of
 * the user whose token calls it (`principalId` must be the caller), checks
 * *that* sign-in for MFA and authentication context, and an app identity
 * cannot do it at all. So the token comes from the user's own kentra sign-in:
 * the refresh token cached by `kentra get-token` for the cluster (one sign-in
 * serves kubectl and elevate), redeemed through MSAL for Graph's delegated
 * scopes (a multi-resource refresh token), or a new interactive sign-in when
 * the policy asks for more than that sign-in proved.
 */
import { decodeJwt } from 'jose';
import { type FetchLike, GraphClient } from '../adapters/graph/client.js';
import { elevationScopes } from '../adapters/graph/privileged-access.js';
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import { type StepUpNeed, stepUpSatisfied } from '../domain/pim/step-up.js';
import { KentraError } from '../errors.js';
import type { UserGraph } from './elevate.js';
import { type GetTokenDeps, type GetTokenInput, prepare } from './get-token-cache.js';
import { obtainToken } from './user-token.js';

export interface GraphTarget {
  /** Graph base URL (the access file's tenant.graph). */
  baseUrl: string;
  /** The resource the scopes name: https://graph.microsoft.com, or a national cloud's Graph. */
  resource: string;
  fetch: FetchLike;
}

/** Refresh a cached access token this long before it expires. */
const marginSeconds = 120;

export interface UserGraphOptions {
  /** Graph permissions (delegated) to ask for; default: what elevation needs. */
  permissions?: readonly string[];
  /** The cached sign-in to use (logout --revoke has it); default: the cluster's, signing in when there is none. */
  entry?: CacheEntry;
}

export function userGraph(
  cluster: GetTokenInput,
  target: GraphTarget,
  deps: GetTokenDeps,
  options: UserGraphOptions = {},
): UserGraph {
  const scopes = (options.permissions ?? elevationScopes).map((scope) => `${target.resource}/${scope}`);
  let signedIn: Promise<CacheEntry> | undefined = options.entry && Promise.resolve(options.entry);
  /** The cluster's cached sign-in; signs in first when there is none (the same sign-in kubectl uses). */
  const entry = () => {
    signedIn ??= (async () => {
      await obtainToken({ kind: 'get-token', input: { ...cluster, forceRefresh: false } }, deps);
      const run = prepare(cluster, deps.env, false);
      const found = await deps.store.read(run.key);
      if (!found?.msalCache || !found.account)
        throw new KentraError(
          'auth.failed',
          'the cluster sign-in is not a user sign-in with a refresh token',
          {
            hint: 'kentra elevate acts as you: sign in as a person (browser or device code), not as an app.',
          },
        );
      return found;
    })();
    return signedIn;
  };
  const client = (token: () => Promise<string>) =>
    new GraphClient({ baseUrl: target.baseUrl, fetch: target.fetch, accessToken: token, now: deps.now });

  let silent: { token: string; exp: number } | undefined;
  const silentToken = async () => {
    if (silent && silent.exp - marginSeconds > deps.now() / 1000) return silent.token;
    const token = await accessTokenFor(cluster, deps, await entry(), scopes);
    silent = { token, exp: Number(decodeJwt(token).exp ?? 0) };
    return token;
  };

  return {
    client: client(silentToken),
    async steppedUp(need: StepUpNeed) {
      const current = await entry();
      let token: string | undefined;
      try {
        token = await accessTokenFor(cluster, deps, current, scopes, { claims: need.claims });
      } catch (error) {
        if (!(error instanceof KentraError && error.code === 'auth.interaction_required')) throw error;
      }
      if (!token || !stepUpSatisfied(decodeJwt(token), need)) {
        deps.say(
          `kentra: the group's PIM policy asks for ${need.mfa ? 'multi-factor authentication' : 'a stronger sign-in (authentication context)'}; signing you in again…`,
        );
        token = await accessTokenFor(cluster, deps, current, scopes, {
          interactive: true,
          claims: need.claims,
          // MS-OAPX 2.2.2.10: amr_values=ngcmfa asks for multiple factors.
          ...(need.mfa ? { extraQueryParameters: { amr_values: 'ngcmfa' } } : {}),
        });
      }
      const proven = token;
      return client(async () => proven);
    },
  };
}

/** sign-in.ts loads MSAL: imported when the first token is needed, never by the command tree. */
async function accessTokenFor(
  ...args: Parameters<typeof import('./sign-in.js').accessTokenFor>
): Promise<string> {
  const signIn = await import('./sign-in.js');
  return signIn.accessTokenFor(...args);
}
