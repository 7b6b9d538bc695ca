/**
 * `kentra logout`: forgets cached sign-ins (tokens and refresh tokens) for one
 * kubeconfig context, or all of them. Other contexts' accounts keep theirs:
 * each account has its own cache entry.
 */
import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import type { CacheKey } from '../adapters/token-cache/key.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import { selectContext } from '../domain/kubeconfig/merged.js';
import { KentraError } from '../errors.js';
import { cacheKeyFor } from './cache-key.js';
import type { GetTokenInput } from './get-token-cache.js';
import type { LoginMode } from './sign-in-plan.js';

export interface LogoutRequest {
  context?: string;
  all: boolean;
}

export interface LogoutDeps {
  /** The user's kubeconfig, read as kubectl reads it. */
  kubeconfig: Pick<KubeconfigSource, 'read'>;
  /** Reads `kentra get-token` arguments (the CLI's own parser, injected). */
  parseGetTokenArgs: (args: readonly string[]) => GetTokenInput;
  /** The token cache get-token writes (the composition root's one store). */
  store: Pick<TokenCacheStore, 'list' | 'read' | 'remove'>;
}

export interface Forgotten {
  account: string;
  tenant: string;
  clientId: string;
}

export interface LogoutResult {
  context?: string;
  removed: Forgotten[];
}

export async function logout(request: LogoutRequest, deps: LogoutDeps): Promise<LogoutResult> {
  const { store } = deps;
  if (request.all) {
    const removed: Forgotten[] = [];
    for (const { entry } of await store.list()) {
      await store.remove(entry.key);
      removed.push(describe(entry.key, entry.account?.username));
    }
    return { removed };
  }
  const { context, args } = await execArgsOfContext(request, deps.kubeconfig);
  const input = deps.parseGetTokenArgs(args);
  const removed: Forgotten[] = [];
  // The context's --login entry; with auto, the user entry and, when the context may sign in
  // as an app (access tokens only), the app entry.
  const flows: LoginMode[] =
    input.login !== 'auto' ? [input.login] : input.tokenType === 'access' ? ['browser', 'spn'] : ['browser'];
  const keys: CacheKey[] = flows.map((flow) => cacheKeyFor(input, flow));
  for (const key of keys) {
    const entry = await store.read(key);
    if (await store.remove(key)) removed.push(describe(key, entry?.account?.username));
  }
  return { context, removed };
}

function describe(key: CacheKey, username: string | undefined): Forgotten {
  return {
    account: username ?? (key.account || '(any account)'),
    tenant: key.tenant,
    clientId: key.clientId,
  };
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
      hint: 'Pass --context NAME, or --all to forget every cached sign-in.',
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
