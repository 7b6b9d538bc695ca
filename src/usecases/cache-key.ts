/**
 * The token-cache key of a sign-in: the plan's scopes and account in the
 * cache's normalised form (adapters/token-cache/key.ts). get-token, logout and
 * the tests that seed a cache all name an entry through this one function.
 */
import { type CacheKey, cacheKey } from '../adapters/token-cache/key.js';
import { accountFor, type LoginMode, type SignInSettings, scopesFor } from './sign-in-plan.js';

export function cacheKeyFor(settings: SignInSettings, flow: LoginMode): CacheKey {
  return cacheKey({
    authority: settings.authorityHost,
    tenant: settings.tenant,
    clientId: settings.clientId,
    scopes: scopesFor(settings, flow),
    tokenType: settings.tokenType,
    account: accountFor(settings, flow),
  });
}
