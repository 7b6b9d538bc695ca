/**
 * When a cached token may still be handed to kubectl. client-go keeps a
 * credential in memory until `expirationTimestamp` and does not retry a request
 * that fails with 401 (plugin/pkg/client/auth/exec/exec.go), so a token that
 * dies during a command makes that command fail. kentra therefore stops using a
 * token a margin before its `exp` (int128/kubelogin uses none, tsh one minute,
 * Pinniped ten; see reference/kubectl-credential-plugins.md §1.6, §4.3, §4.4).
 *
 * The margin is capped at a quarter of the token's lifetime so that short-lived
 * tokens (emulator tests, strict Conditional Access) are still cached.
 */
export const defaultRefreshMarginMs = 5 * 60_000;

export interface TokenLifetime {
  /** When the token was obtained (ms since the epoch). */
  obtainedAt: number;
  /** The token's `exp` (ms since the epoch). */
  expiresAt: number;
}

export function refreshMarginMs(token: TokenLifetime, maxMarginMs = defaultRefreshMarginMs): number {
  const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
  return Math.min(maxMarginMs, Math.floor(lifetime / 4));
}

/** The instant kubectl should stop using the token (reported as `expirationTimestamp`). */
export function usableUntil(token: TokenLifetime, maxMarginMs = defaultRefreshMarginMs): number {
  return token.expiresAt - refreshMarginMs(token, maxMarginMs);
}

/**
 * A token is fresh until `usableUntil`. A clock that reads more than the
 * margin before the moment the token was obtained has been turned back; the
 * token's real age is then unknown, so it is not trusted (MSAL does the same).
 */
export function isFresh(token: TokenLifetime, now: number, maxMarginMs = defaultRefreshMarginMs): boolean {
  return now < usableUntil(token, maxMarginMs) && now >= token.obtainedAt - maxMarginMs;
}
