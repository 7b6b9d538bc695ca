/**
 * The sign-in flows, each returning the same normalised result. The flows only
 * talk to Entra; choosing one (and the cache around them) is the sign-in use
 * case's job.
 */
import type { TokenCredential } from '@azure/identity';
import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { KentraError } from '../../errors.js';
import type { CachedAccount } from '../token-cache/entry.js';
import { type AuthorityConfig, MemoryCachePlugin, publicApp } from './applications.js';

export interface TokenResult {
  idToken?: string;
  /** ID token `exp` in ms. */
  idTokenExpiresAt?: number;
  accessToken: string;
  accessTokenExpiresAt: number;
  account?: CachedAccount;
  /** MSAL's serialized cache after the flow (holds the refresh token). */
  msalCache?: string;
}

/** A step-up: a claims request (e.g. an authentication context) and extra authorize parameters (amr_values). */
export interface StepUpRequest {
  claims?: string;
  extraQueryParameters?: Record<string, string>;
}

export interface InteractiveOptions extends StepUpRequest {
  scopes: string[];
  loginHint?: string;
  /** Fixed loopback port (0 or undefined: a random one). */
  port?: number;
  /** Opens the sign-in URL; resolves once the browser was started (or the URL was shown). */
  openBrowser: (url: string) => Promise<void>;
}

const successPage =
  '<!doctype html><title>kentra</title><body style="font-family:sans-serif"><h1>Signed in</h1>' +
  '<p>kentra has your token. You can close this tab and go back to the terminal.</p></body>';
const errorPage =
  '<!doctype html><title>kentra</title><body style="font-family:sans-serif"><h1>Sign-in failed</h1>' +
  '<p>See the terminal for what went wrong.</p></body>';

/** Authorization code + PKCE (S256) through MSAL's loopback listener on 127.0.0.1. */
export async function signInWithBrowser(
  config: AuthorityConfig,
  options: InteractiveOptions,
): Promise<TokenResult> {
  const cache = new MemoryCachePlugin(undefined);
  const app = publicApp(config, cache);
  const result = await app.acquireTokenInteractive({
    scopes: options.scopes,
    loginHint: options.loginHint,
    preferredPort: options.port || undefined,
    openBrowser: options.openBrowser,
    ...(options.claims ? { claims: options.claims } : {}),
    ...(options.extraQueryParameters ? { extraQueryParameters: options.extraQueryParameters } : {}),
    successTemplate: successPage,
    errorTemplate: errorPage,
  });
  return normalise(result, cache.contents);
}

export interface DeviceCodeOptions {
  scopes: string[];
  /** A claims request (an authentication context step-up); device code has no amr_values. */
  claims?: string;
  /** Shows Entra's instruction ("open https://… and enter the code …") on stderr. */
  prompt: (message: string) => void;
  timeoutSeconds: number;
}

export async function signInWithDeviceCode(
  config: AuthorityConfig,
  options: DeviceCodeOptions,
): Promise<TokenResult> {
  const cache = new MemoryCachePlugin(undefined);
  const app = publicApp(config, cache);
  const result = await app.acquireTokenByDeviceCode({
    scopes: options.scopes,
    timeout: options.timeoutSeconds,
    ...(options.claims ? { claims: options.claims } : {}),
    deviceCodeCallback: (response) => options.prompt(response.message),
  });
  if (!result) throw new KentraError('auth.failed', 'device code sign-in returned no token');
  return normalise(result, cache.contents);
}

/**
 * Uses the refresh token in a cached MSAL state. `forceRefresh` because kentra
 * decides freshness itself (with its own margin, on the token it hands out,
 * which may be the ID token whose lifetime differs from the access token's).
 */
export async function refreshWithCache(
  config: AuthorityConfig,
  msalCache: string,
  homeAccountId: string,
  scopes: string[],
  claims?: string,
): Promise<TokenResult> {
  const cache = new MemoryCachePlugin(msalCache);
  const app = publicApp(config, cache);
  const accounts = await app.getAllAccounts();
  const account = accounts.find((candidate: AccountInfo) => candidate.homeAccountId === homeAccountId);
  if (!account)
    throw new KentraError('auth.interaction_required', 'the cached sign-in has no account to refresh');
  const result = await app.acquireTokenSilent({
    account,
    scopes,
    forceRefresh: true,
    ...(claims ? { claims } : {}),
  });
  return normalise(result, cache.contents);
}

/**
 * A token from an @azure/identity credential (app, managed identity, Azure CLI):
 * an access token without refresh token; the account is read from its claims
 * (not verified: the API server verifies), for `kentra accounts` and messages.
 */
export async function signInWithCredential(
  credential: TokenCredential,
  scopes: string[],
): Promise<TokenResult> {
  const answer = await credential.getToken(scopes);
  if (!answer) throw new KentraError('auth.failed', 'the credential returned no token');
  return {
    accessToken: answer.token,
    accessTokenExpiresAt: answer.expiresOnTimestamp,
    account: accountOfToken(answer.token),
  };
}

/** Who a token is for: a person's UPN, else the app's client ID (app-only and managed-identity tokens). */
function accountOfToken(token: string): CachedAccount | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    return undefined; // not a JWT: nothing to say about it
  }
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  const username =
    text('upn') ?? text('preferred_username') ?? text('unique_name') ?? text('appid') ?? text('azp');
  const tenantId = text('tid');
  if (!username || !tenantId) return undefined;
  return { username, homeAccountId: `${text('oid') ?? username}.${tenantId}`, tenantId };
}

function normalise(result: AuthenticationResult, msalCache: string | undefined): TokenResult {
  const claims = result.idTokenClaims as { exp?: number; preferred_username?: string; upn?: string };
  const accessTokenExpiresAt = result.expiresOn?.getTime() ?? Date.now();
  return {
    idToken: result.idToken || undefined,
    idTokenExpiresAt: typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined,
    accessToken: result.accessToken,
    accessTokenExpiresAt,
    account: result.account
      ? {
          username: result.account.username,
          homeAccountId: result.account.homeAccountId,
          tenantId: result.account.tenantId,
        }
      : undefined,
    msalCache,
  };
}
