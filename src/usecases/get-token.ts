/**
 * `kentra get-token`: the exec credential plugin's flow.
 *
 *   cache hit ─────────────────────────────────────────────► ExecCredential
 *   miss/stale ─► lock entry ─► re-read ─► refresh token ─► write ─┘
 *                                        └► sign in (browser | device code | app)
 *
 * The cache-hit path lives in get-token-cache.ts and imports nothing heavy:
 * MSAL is loaded (deps.flows, sign-in.ts) only when a network call is needed.
 * The lock makes N kubectl processes started together share one sign-in. The
 * store, lock, browser, flows and clock are injected (GetTokenDeps), so the
 * refresh, lock and back-off paths are unit-tested with a fake clock.
 */
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import type { CacheKey } from '../adapters/token-cache/key.js';
import { isDefaultAuthority } from '../domain/entra/clouds.js';
import { type Recovery, signInErrorFact } from '../domain/entra/sign-in-errors.js';
import { execCredential, renderExecCredential } from '../domain/exec-credential/credential.js';
import { isFresh, usableUntil } from '../domain/exec-credential/freshness.js';
import { KentraError } from '../errors.js';
import {
  type GetTokenDeps,
  type GetTokenInput,
  prepare,
  type Run,
  type TokenStore,
} from './get-token-cache.js';
import { isInteractive, retryAfterRefusal } from './sign-in-plan.js';

export type { GetTokenDeps, GetTokenInput } from './get-token-cache.js';

let cacheWarningShown = false;

/** The full path: the ExecCredential text, from the cache, a refresh or a sign-in. */
export async function getToken(input: GetTokenInput, deps: GetTokenDeps): Promise<string> {
  const run = prepare(input, deps.env, await deps.browser.available());
  const { key, execInfo } = run;
  const { store } = deps;
  const margin = input.refreshMarginMs;
  const answer = (entry: CacheEntry) =>
    renderExecCredential(execCredential(execInfo.apiVersion, entry.token, usableUntil(entry, margin)));
  if (!input.forceRefresh) {
    const hit = await store.read(key);
    if (hit && isFresh(hit, deps.now(), margin)) return answer(hit);
  }
  const startedAt = deps.now();
  const lock = await lockEntry(key, input, deps);
  try {
    const current = await store.read(key);
    // Another process may have signed in while we waited for the lock.
    if (
      current &&
      isFresh(current, deps.now(), margin) &&
      (!input.forceRefresh || current.obtainedAt >= startedAt)
    )
      return answer(current);
    const entry = await obtain(input, deps, run, current);
    await save(store, entry, deps);
    return answer(entry);
  } finally {
    await lock?.release();
  }
}

/** The entry's lock, or none when the cache folder cannot be made (the token still works, uncached). */
async function lockEntry(key: CacheKey, input: GetTokenInput, deps: GetTokenDeps) {
  try {
    await deps.store.ensureDir();
  } catch (cause) {
    warnCacheUnwritable(deps.store.dir, cause, deps);
    return undefined;
  }
  return deps.lock(key, {
    timeoutMs: input.timeoutMs,
    now: deps.now,
    onWait: (holder) =>
      deps.say(
        `kentra: another kentra process${holder ? ` (pid ${holder.pid})` : ''} is signing in to this account; waiting for it…`,
      ),
  });
}

async function save(store: TokenStore, entry: CacheEntry, deps: GetTokenDeps): Promise<void> {
  try {
    await store.write(entry);
  } catch (cause) {
    warnCacheUnwritable(store.dir, cause, deps);
  }
}

/** An unwritable cache is said once per process, plainly: otherwise every kubectl silently signs in again. */
function warnCacheUnwritable(dir: string, cause: unknown, deps: GetTokenDeps): void {
  if (cacheWarningShown) return;
  cacheWarningShown = true;
  const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause instanceof Error ? cause.message : '');
  deps.say(
    `kentra: warning: cannot write the token cache ${dir} (${reason}); the token works for this command, ` +
      'but the next kubectl command will sign in again. Make the folder writable or set KUBECACHEDIR.',
  );
}

/** After a failed interactive sign-in, kubectl-started runs wait this long before opening another. */
const failureBackoffMs = 60_000;

async function obtain(
  input: GetTokenInput,
  deps: GetTokenDeps,
  { flow, key, execInfo, browserPossible }: Run,
  current: CacheEntry | undefined,
): Promise<CacheEntry> {
  const { store } = deps;
  const { signIn, refresh } = await deps.flows();
  let refused: string | undefined;
  if (current?.msalCache && current.account) {
    const refreshed = await refresh(input, deps, key, current);
    if (!('refused' in refreshed)) return refreshed;
    refused = refreshed.refused;
  }
  const interactive = isInteractive(flow);
  if (execInfo.interactive === false && interactive) {
    throw new KentraError(
      'auth.interaction_required',
      `no valid token cached${refused ? ` (${refused})` : ''} and kubectl runs without a terminal`,
      {
        hint:
          'kubectl was started non-interactively (an IDE, a script or interactiveMode: Never), so kentra does not open ' +
          `a sign-in. Sign in once from a terminal: \`kubectl get --raw /version\` there, or \`kentra get-token ${signInArgs(input)} >/dev/null\`.`,
      },
    );
  }
  if (refused) deps.say(`kentra: ${refused}; signing in again.`);
  // Run by kubectl (KUBERNETES_EXEC_INFO set)? Then respect the back-off; a person running
  // `kentra get-token` by hand always gets a fresh attempt.
  const byKubectl = deps.env.KUBERNETES_EXEC_INFO !== undefined;
  const failed = interactive && byKubectl ? await store.lastFailure(key) : undefined;
  if (failed && deps.now() - failed.at < failureBackoffMs) {
    const wait = Math.ceil((failed.at + failureBackoffMs - deps.now()) / 1000);
    throw new KentraError(
      'auth.interaction_required',
      `the last sign-in for this account failed (${failed.reason})`,
      {
        hint:
          `Not opening another sign-in for ${wait}s, so that tools which poll kubectl do not flood you with browser ` +
          `tabs. Run kubectl again after that, or sign in now: \`kentra get-token ${signInArgs(input)} >/dev/null\`.`,
      },
    );
  }
  try {
    let entry: CacheEntry;
    try {
      entry = await signIn(input, deps, flow, key);
    } catch (error) {
      // At most one automatic retry, with another flow, and only where a person takes part.
      const retry = retryAfterRefusal(flow, recoveryOf(error), {
        interactive: execInfo.interactive !== false,
        browser: browserPossible,
      });
      if (!retry) throw error;
      deps.say(
        `kentra: ${(error as KentraError).message.replace(/^sign-in failed: /, '')}; retrying once with --login ${retry}.`,
      );
      entry = await signIn(input, deps, retry, key);
    }
    await store.clearFailure(key).catch(() => {});
    return entry;
  } catch (error) {
    if (interactive) await store.recordFailure(key, deps.now(), (error as Error).message).catch(() => {});
    throw error;
  }
}

/** What can pass a refused sign-in, from the AADSTS code signInError keeps in the details. */
function recoveryOf(error: unknown): Recovery | undefined {
  if (!(error instanceof KentraError)) return undefined;
  const code = (error.details as { aadsts?: unknown } | undefined)?.aadsts;
  return typeof code === 'number' ? signInErrorFact(code)?.recovery : undefined;
}

/** The get-token arguments that identify this account, for the "sign in from a terminal" hint. */
function signInArgs(input: GetTokenInput): string {
  const args = [`--tenant ${input.tenant}`, `--client-id ${input.clientId}`];
  if (!isDefaultAuthority(input.authorityHost)) args.push(`--authority ${input.authorityHost}`);
  if (input.caFile) args.push(`--certificate-authority ${input.caFile}`);
  if (input.loginHint) args.push(`--login-hint ${input.loginHint}`);
  if (input.tokenType !== 'id') args.push(`--token-type ${input.tokenType}`);
  for (const scope of input.scopes) args.push(`--scope ${scope}`);
  return args.join(' ');
}
