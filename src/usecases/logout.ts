/**
 * `kentra logout`: forgets cached sign-ins (tokens and refresh tokens) of one
 * kubeconfig context, of one account (`--account UPN`), or all of them. Other
 * accounts keep theirs: each account has its own cache entry.
 *
 * With `--revoke` it first ends the user's sessions in Entra
 * (usecases/revoke-sessions.ts) and then forgets every entry of that user, since
 * none of their refresh tokens works any more. A revocation that fails removes
 * nothing, so it can be tried again.
 */
import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import { type CacheKey, sameKey } from '../adapters/token-cache/key.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import { selectContext } from '../domain/kubeconfig/merged.js';
import { KentraError } from '../errors.js';
import { cacheKeyFor } from './cache-key.js';
import type { GetTokenInput } from './get-token-cache.js';
import type { LoginMode } from './sign-in-plan.js';

export interface LogoutRequest {
  context?: string;
  all: boolean;
  /** Forget (or revoke) this account: a UPN, or what `kentra accounts` lists for an app or identity. */
  account?: string;
  /** End the user's sessions in Entra before forgetting them. */
  revoke: boolean;
}

export interface LogoutDeps {
  /** The user's kubeconfig, read as kubectl reads it. */
  kubeconfig: Pick<KubeconfigSource, 'read'>;
  /** Reads `kentra get-token` arguments (the CLI's own parser, injected). */
  parseGetTokenArgs: (args: readonly string[]) => GetTokenInput;
  /** The token cache get-token writes (the composition root's one store). */
  store: Pick<TokenCacheStore, 'list' | 'read' | 'remove'>;
  /** Ends a user's sessions in Entra with a token from the cached sign-in (the context's CA file, when known). */
  revokeSessions: (entry: CacheEntry, caFile: string | undefined) => Promise<void>;
}

export interface Forgotten {
  account: string;
  tenant: string;
  clientId: string;
}

export interface LogoutResult {
  context?: string;
  account?: string;
  removed: Forgotten[];
  /** Users whose Entra sessions were revoked. */
  revoked: string[];
}

export async function logout(request: LogoutRequest, deps: LogoutDeps): Promise<LogoutResult> {
  const { store } = deps;
  const cached = await store.list();
  let selected: CacheEntry[];
  let context: string | undefined;
  let caFile: string | undefined;
  if (request.all) selected = cached.map((item) => item.entry);
  else if (request.account) {
    const wanted = request.account.toLowerCase();
    selected = cached.map((item) => item.entry).filter((entry) => accountOf(entry).toLowerCase() === wanted);
  } else {
    const found = await execArgsOfContext(request, deps.kubeconfig);
    context = found.context;
    const input = deps.parseGetTokenArgs(found.args);
    caFile = input.caFile;
    // The context's --login entry; with auto, the user entry and, when the context may sign in
    // as an app (access tokens only), the app entry.
    const flows: LoginMode[] =
      input.login !== 'auto'
        ? [input.login]
        : input.tokenType === 'access'
          ? ['browser', 'spn']
          : ['browser'];
    const keys: CacheKey[] = flows.map((flow) => cacheKeyFor(input, flow));
    selected = cached
      .map((item) => item.entry)
      .filter((entry) => keys.some((key) => sameKey(key, entry.key)));
  }
  const revoked: string[] = [];
  if (request.revoke) {
    const users = new Map<string, CacheEntry>();
    for (const entry of selected)
      if (entry.msalCache && entry.account && !users.has(entry.account.homeAccountId))
        users.set(entry.account.homeAccountId, entry);
    if (users.size === 0)
      throw new KentraError('usage', 'nothing to revoke: no cached user sign-in was selected', {
        hint: 'Revocation ends a person’s Entra sessions; app, managed-identity and Azure CLI tokens have none in kentra’s cache. `kentra accounts` lists what is cached.',
      });
    for (const entry of users.values()) {
      await deps.revokeSessions(entry, caFile);
      revoked.push(entry.account?.username ?? accountOf(entry));
    }
    // Every refresh token of these users is void now, whichever context cached it.
    const gone = new Set(users.keys());
    for (const { entry } of cached)
      if (entry.account && gone.has(entry.account.homeAccountId) && !selected.includes(entry))
        selected.push(entry);
  }
  const removed: Forgotten[] = [];
  for (const entry of selected)
    if (await store.remove(entry.key))
      removed.push({ account: accountOf(entry), tenant: entry.key.tenant, clientId: entry.key.clientId });
  removed.sort(
    (a, b) =>
      a.tenant.localeCompare(b.tenant) ||
      a.account.localeCompare(b.account) ||
      a.clientId.localeCompare(b.clientId),
  );
  return { context, account: request.account, removed, revoked };
}

/** Whose entry it is, as `kentra accounts` lists it: the signed-in UPN, else the key's account. */
export function accountOf(entry: CacheEntry): string {
  return entry.account?.username ?? (entry.key.account || '(any account)');
}

type Dict = Record<string, unknown>;

/** The context (kubectl's choice: --context, else current-context) and its user's get-token args. */
async function execArgsOfContext(
  request: LogoutRequest,
  kubeconfig: Pick<KubeconfigSource, 'read'>,
): Promise<{ context: string; args: string[] }> {
  const merged = await kubeconfig.read();
  if (!request.context && merged.currentContext === '')
    throw new KentraError('usage', 'no context given and no current-context set', {
      hint: 'Pass --context NAME, --account UPN, or --all to forget every cached sign-in.',
    });
  const { name, user } = selectContext(merged, request.context);
  const exec = user?.value.exec as Dict | undefined;
  const args = Array.isArray(exec?.args) ? exec.args.map(String) : [];
  if (args[0] !== 'get-token')
    throw new KentraError('config.invalid', `context "${name}" does not sign in with kentra get-token`, {
      hint: 'Nothing to forget for it; `kentra logout --all` forgets every kentra sign-in.',
    });
  return { context: name, args: args.slice(1) };
}
