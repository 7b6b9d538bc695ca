/**
 * The cache-hit half of `kentra get-token`, kept apart from the rest so that
 * the hot path (kubectl runs the plugin before every command) loads only this
 * file, the token-cache store and the pure exec-credential model: no MSAL, no
 * lock, no browser. src/cli/get-token.ts imports it statically for that reason;
 * everything that may touch the network is in get-token.ts, imported lazily.
 */
import type { Environment } from '../adapters/browser.js';
import { tokenCacheDir } from '../adapters/token-cache/directory.js';
import type { CacheKey } from '../adapters/token-cache/key.js';
import { TokenCacheStore } from '../adapters/token-cache/store.js';
import {
  type ExecCredential,
  execCredential,
  renderExecCredential,
} from '../domain/exec-credential/credential.js';
import { type ExecInfo, parseExecInfo } from '../domain/exec-credential/exec-info.js';
import type { Expectations } from '../domain/exec-credential/expectations.js';
import { isFresh, usableUntil } from '../domain/exec-credential/freshness.js';
import { cacheKeyFor, chooseFlow, type Flow, type SignInSettings } from './sign-in-plan.js';

export interface GetTokenInput extends SignInSettings {
  caFile?: string;
  browserCommand?: string;
  listenPort?: number;
  /** How long a sign-in (and waiting for another process's sign-in) may take. */
  timeoutMs: number;
  /** Ignore a cached token (still uses the refresh token). */
  forceRefresh: boolean;
  /** The Entra group that grants access, for AADSTS50105 hints. */
  accessGroup?: string;
  /** What the cluster checks; a new token that differs is explained on stderr. */
  expect?: Expectations;
  /** Upper bound of the early-expiry margin. */
  refreshMarginMs?: number;
}

export interface GetTokenDeps {
  env: Environment;
  platform: NodeJS.Platform;
  now: () => number;
  /** Progress and prompts (stderr). */
  say: (line: string) => void;
  interrupted: Promise<string>;
}

/** What one run works with, derived from the input and the environment. */
export interface Run {
  flow: Flow;
  key: CacheKey;
  store: TokenCacheStore;
  execInfo: ExecInfo;
}

export function prepare(input: GetTokenInput, deps: GetTokenDeps, browser: boolean): Run {
  const flow = chooseFlow(input, {
    browserAvailable: browser,
    browserCommandGiven: Boolean(input.browserCommand),
    clientSecret: Boolean(deps.env.AZURE_CLIENT_SECRET),
    federatedTokenFile: Boolean(deps.env.AZURE_FEDERATED_TOKEN_FILE),
  });
  return {
    flow,
    key: cacheKeyFor(input, flow),
    store: new TokenCacheStore(tokenCacheDir(deps.env)),
    execInfo: parseExecInfo(deps.env.KUBERNETES_EXEC_INFO),
  };
}

/**
 * The fast path's entry: the ExecCredential text for a fresh cached token, or
 * undefined. Browser availability does not change the cache key (only app vs
 * user flows do), so it is not probed here.
 */
export async function answerFromCache(input: GetTokenInput, deps: GetTokenDeps): Promise<string | undefined> {
  const run = prepare(input, deps, false);
  const credential = await cachedCredential(
    run.store,
    run.key,
    run.execInfo,
    deps.now(),
    input.refreshMarginMs,
  );
  return credential && renderExecCredential(credential);
}

/** The cache-hit path: a fresh entry for `key`, as an ExecCredential, or undefined. */
export async function cachedCredential(
  store: TokenCacheStore,
  key: CacheKey,
  execInfo: ExecInfo,
  now: number,
  marginMs?: number,
): Promise<ExecCredential | undefined> {
  const entry = await store.read(key);
  if (!entry || !isFresh(entry, now, marginMs)) return undefined;
  return execCredential(execInfo.apiVersion, entry.token, usableUntil(entry, marginMs));
}
