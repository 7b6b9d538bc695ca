/**
 * `kentra logout`: forgets cached sign-ins (tokens and refresh tokens) for one
 * kubeconfig context, or all of them. Other contexts' accounts keep theirs:
 * each account has its own cache entry.
 */
import { readFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { CacheKey } from '../adapters/token-cache/key.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import { KentraError } from '../errors.js';
import { cacheKeyFor } from './cache-key.js';
import type { GetTokenInput } from './get-token-cache.js';

export interface LogoutRequest {
  context?: string;
  all: boolean;
  kubeconfig?: string;
}

export interface LogoutDeps {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
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
  const { context, args } = await execArgsOfContext(request, deps);
  const input = deps.parseGetTokenArgs(args);
  const removed: Forgotten[] = [];
  // The user entry, and the app entry when the context may sign in as an app (access tokens only).
  const keys: CacheKey[] = [cacheKeyFor(input, 'authcode')];
  if (input.tokenType === 'access') keys.push(cacheKeyFor(input, 'client-credentials'));
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

/** Finds the context (first occurrence across KUBECONFIG files, as kubectl does) and its user's get-token args. */
async function execArgsOfContext(
  request: LogoutRequest,
  deps: LogoutDeps,
): Promise<{ context: string; args: string[] }> {
  const files = request.kubeconfig
    ? [request.kubeconfig]
    : (deps.env.KUBECONFIG ?? '').split(delimiter).filter((part) => part.trim() !== '');
  if (files.length === 0) files.push(join(deps.home, '.kube', 'config'));
  const configs: Dict[] = [];
  for (const file of files) {
    const text = await readFile(resolve(deps.cwd, file), 'utf8').catch(() => undefined);
    if (text !== undefined) configs.push((parse(text) ?? {}) as Dict);
  }
  const contextName =
    request.context ??
    configs.map((config) => config['current-context']).find((name) => typeof name === 'string');
  if (typeof contextName !== 'string' || contextName === '')
    throw new KentraError('usage', 'no context given and no current-context set', {
      hint: 'Pass --context NAME, or --all to forget every cached sign-in.',
    });
  const context = findNamed(configs, 'contexts', contextName)?.context as Dict | undefined;
  if (!context)
    throw new KentraError('config.invalid', `no context named "${contextName}" in ${files.join(', ')}`, {
      hint: 'List contexts with `kubectl config get-contexts`.',
    });
  const user = findNamed(configs, 'users', String(context.user))?.user as Dict | undefined;
  const exec = user?.exec as Dict | undefined;
  const args = Array.isArray(exec?.args) ? exec.args.map(String) : [];
  if (args[0] !== 'get-token')
    throw new KentraError(
      'config.invalid',
      `context "${contextName}" does not sign in with kentra get-token`,
      {
        hint: 'Nothing to forget for it; `kentra logout --all` forgets every kentra sign-in.',
      },
    );
  return { context: contextName, args: args.slice(1) };
}

function findNamed(configs: Dict[], list: string, name: string): Dict | undefined {
  for (const config of configs) {
    const items = config[list];
    if (!Array.isArray(items)) continue;
    const found = items.find((item: unknown) => (item as Dict | null)?.name === name) as Dict | undefined;
    if (found) return found;
  }
  return undefined;
}
