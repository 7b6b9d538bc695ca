/**
 * Sign-in for a web app (the kentra portal): a confidential client of its own
 * app registration, authorization code + PKCE (S256) through msal-node's
 * ConfidentialClientApplication, then silent tokens from the session's MSAL
 * cache (kept by the caller per session, never in a cookie or a page).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 */
import { CryptoProvider } from '@azure/msal-node';
import { type AuthorityConfig, confidentialApp, MemoryCachePlugin } from './applications.js';

export interface WebSignInConfig extends AuthorityConfig {
  clientSecret: string;
}

export interface AuthorizeStart {
  url: string;
  /** PKCE code verifier: kept server-side until the callback. */
  verifier: string;
}

export interface WebTokens {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  idTokenClaims: Record<string, unknown>;
  homeAccountId: string;
  /** MSAL's serialized cache after the call (holds the refresh token). */
  msalCache: string | undefined;
}

export interface StartOptions {
  redirectUri: string;
  scopes: string[];
  state: string;
  nonce: string;
  loginHint?: string;
  /** A step-up: a claims request (authentication context) and/or amr_values (MFA). */
  claims?: string;
  extraQueryParameters?: Record<string, string>;
}

const crypto = new CryptoProvider();

export async function startAuthorization(
  config: WebSignInConfig,
  options: StartOptions,
): Promise<AuthorizeStart> {
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const app = confidentialApp(config, new MemoryCachePlugin(undefined), config.clientSecret);
  const url = await app.getAuthCodeUrl({
    scopes: options.scopes,
    redirectUri: options.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state: options.state,
    nonce: options.nonce,
    responseMode: 'query',
    ...(options.loginHint ? { loginHint: options.loginHint } : {}),
    ...(options.claims ? { claims: options.claims } : {}),
    ...(options.extraQueryParameters ? { extraQueryParameters: options.extraQueryParameters } : {}),
  });
  return { url, verifier };
}

export async function redeemCode(
  config: WebSignInConfig,
  options: { code: string; redirectUri: string; scopes: string[]; verifier: string; nonce: string },
): Promise<WebTokens> {
  const cache = new MemoryCachePlugin(undefined);
  const app = confidentialApp(config, cache, config.clientSecret);
  const result = await app.acquireTokenByCode({
    code: options.code,
    redirectUri: options.redirectUri,
    scopes: options.scopes,
    codeVerifier: options.verifier,
    // MSAL checks the ID token's nonce against it (the replay protection of the sign-in).
    nonce: options.nonce,
  });
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresOn?.getTime() ?? 0,
    idTokenClaims: (result.idTokenClaims ?? {}) as Record<string, unknown>,
    homeAccountId: result.account?.homeAccountId ?? '',
    msalCache: cache.contents,
  };
}

/** A fresh access token for `scopes` from a session's MSAL cache (the refresh token in it). */
export async function silentToken(
  config: WebSignInConfig,
  options: { msalCache: string; homeAccountId: string; scopes: string[] },
): Promise<WebTokens> {
  const cache = new MemoryCachePlugin(options.msalCache);
  const app = confidentialApp(config, cache, config.clientSecret);
  const account = (await app.getTokenCache().getAllAccounts()).find(
    (a) => a.homeAccountId === options.homeAccountId,
  );
  if (!account) throw new Error('the session has no account');
  const result = await app.acquireTokenSilent({ account, scopes: options.scopes });
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresOn?.getTime() ?? 0,
    idTokenClaims: (result.idTokenClaims ?? {}) as Record<string, unknown>,
    homeAccountId: account.homeAccountId,
    msalCache: cache.contents,
  };
}
