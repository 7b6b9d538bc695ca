/**
 * The cache-hit half of `kentra get-token`, kept apart from the rest so that
 * the hot path (kubectl runs the plugin before every command) loads only this
 * file, the token-cache store and the pure exec-credential model: no MSAL, no
 * lock, no browser. Everything that may touch the network is in get-token.ts,
 * imported lazily. The store, lock, browser, sign-in flows and clock arrive as
 * `GetTokenDeps`, built by the composition root (src/composition/get-token.ts)
 * or by a test with fakes.
 */
import type { Environment } from '../adapters/browser.js';
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import type { CacheKey } from '../adapters/token-cache/key.js';
import type { LockHolder } from '../adapters/token-cache/lock.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import {
  type ExecCredential,
  execCredential,
  renderExecCredential,
} from '../domain/exec-credential/credential.js';
import { type ExecInfo, parseExecInfo } from '../domain/exec-credential/exec-info.js';
import type { Expectations } from '../domain/exec-credential/expectations.js';
import { isFresh, usableUntil } from '../domain/exec-credential/freshness.js';
import { cacheKeyFor } from './cache-key.js';
import { chooseFlow, type LoginMode, type SignInSettings } from './sign-in-plan.js';

export interface GetTokenInput extends SignInSettings {
  caFile?: string;
  /** --login spn: a PEM or PFX file (else AZURE_CLIENT_CERTIFICATE_PATH, else the secret in AZURE_CLIENT_SECRET). */
  clientCertificate?: string;
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

/** The token cache as get-token uses it (adapters/token-cache/store.ts). */
export type TokenStore = Pick<
  TokenCacheStore,
  'dir' | 'read' | 'write' | 'ensureDir' | 'lastFailure' | 'recordFailure' | 'clearFailure'
>;

/** Takes the per-entry lock (adapters/token-cache/lock.ts), waiting up to `timeoutMs` for another holder. */
export type LockEntry = (
  key: CacheKey,
  options: { timeoutMs: number; now: () => number; onWait: (holder: LockHolder | undefined) => void },
) => Promise<{ release(): Promise<void> }>;

/** The local browser (adapters/browser.ts). */
export interface Browser {
  /** Whether a page can be shown here (a display, not SSH without forwarding, …). */
  available(): Promise<boolean>;
  /** Opens `url` with --browser-command, $BROWSER or the platform's opener; rejects if it cannot start. */
  open(url: string, browserCommand?: string): Promise<OpenedBrowser>;
}

/** A started opener, watched so that a failing one ends the sign-in instead of the timeout. */
export interface OpenedBrowser {
  /** The opener's program, for messages. */
  command: string;
  /** --browser-command or $BROWSER rather than the platform's opener. */
  custom: boolean;
  /** Settles (never rejects) when the opener ends: its exit status, or the signal that stopped it. */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** A refresh that cannot work, so the sign-in starts afresh; `refused` says why in a few words. */
export interface RefreshRefused {
  refused: string;
}

/** The network half (usecases/sign-in.ts): refresh with the cached refresh token, or sign in. */
export interface SignInFlows {
  refresh(
    input: GetTokenInput,
    deps: GetTokenDeps,
    key: CacheKey,
    current: CacheEntry,
  ): Promise<CacheEntry | RefreshRefused>;
  signIn(input: GetTokenInput, deps: GetTokenDeps, flow: LoginMode, key: CacheKey): Promise<CacheEntry>;
}

export interface GetTokenDeps {
  env: Environment;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Progress and prompts (stderr). */
  say: (line: string) => void;
  interrupted: Promise<string>;
  store: TokenStore;
  lock: LockEntry;
  browser: Browser;
  /** Loaded only when the cache cannot answer: it brings MSAL. */
  flows: () => Promise<SignInFlows>;
}

/** What one run works with, derived from the input and the environment. */
export interface Run {
  flow: LoginMode;
  key: CacheKey;
  execInfo: ExecInfo;
  /** A browser can show the sign-in page here (a display, or a --browser-command). */
  browserPossible: boolean;
}

export function prepare(input: GetTokenInput, env: Environment, browser: boolean): Run {
  const flow = chooseFlow(input, {
    browserAvailable: browser,
    browserCommandGiven: Boolean(input.browserCommand),
    clientSecret: Boolean(env.AZURE_CLIENT_SECRET),
    federatedTokenFile: Boolean(env.AZURE_FEDERATED_TOKEN_FILE),
  });
  return {
    flow,
    key: cacheKeyFor(input, flow),
    execInfo: parseExecInfo(env.KUBERNETES_EXEC_INFO),
    browserPossible: browser || Boolean(input.browserCommand),
  };
}

/**
 * The fast path's entry: the ExecCredential text for a fresh cached token, or
 * undefined. Browser availability does not change the cache key (only app vs
 * user flows do), so it is not probed here.
 */
export async function answerFromCache(
  input: GetTokenInput,
  deps: Pick<GetTokenDeps, 'env' | 'now' | 'store'>,
): Promise<string | undefined> {
  const run = prepare(input, deps.env, false);
  const credential = await cachedCredential(
    deps.store,
    run.key,
    run.execInfo,
    deps.now(),
    input.refreshMarginMs,
  );
  return credential && renderExecCredential(credential);
}

/** The cache-hit path: a fresh entry for `key`, as an ExecCredential, or undefined. */
export async function cachedCredential(
  store: Pick<TokenStore, 'read'>,
  key: CacheKey,
  execInfo: ExecInfo,
  now: number,
  marginMs?: number,
): Promise<ExecCredential | undefined> {
  const entry = await store.read(key);
  if (!entry || !isFresh(entry, now, marginMs)) return undefined;
  return execCredential(execInfo.apiVersion, entry.token, usableUntil(entry, marginMs));
}
