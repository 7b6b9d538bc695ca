/**
 * Where `kentra whoami` and `kentra verify` get the user's token. There is one
 * sign-in in kentra, `kentra get-token`'s use case (cache, refresh, browser,
 * device code, app credentials); this module only decides its input:
 *
 * - a kubeconfig context whose user runs `kentra get-token ...` (written by
 *   `kentra kubeconfig`): exactly the token kubectl would send;
 * - the access file's tenant and app (verify's default): a token for the app
 *   the cluster is configured for;
 * - a kubeconfig user with a static bearer token: used as it is.
 */

import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { clusterSignIn } from '../domain/access/cluster-apps.js';
import type { ClusterSpec } from '../domain/access/model.js';
import { kentraGetTokenArgs } from '../domain/kubeconfig/entries.js';
import { KentraError } from '../errors.js';
import type { GetTokenDeps, GetTokenInput } from './get-token-cache.js';
import type { LoadedAccessFile } from './load-access.js';
import type { LoginChoice } from './sign-in-plan.js';

export type TokenSource =
  | { kind: 'get-token'; input: GetTokenInput }
  | { kind: 'static'; token: string; context: string };

/** Sign-in settings a person may give verify (the get-token flags that are not in the access file). */
export interface SignInFlags {
  loginHint?: string;
  login?: LoginChoice;
  browserCommand?: string;
  tokenType?: 'id' | 'access';
  scopes?: string[];
  timeoutMs?: number;
}

/**
 * A get-token input for the access file's tenant and the app that signs users in for the cluster
 * (its environment's app, #14.7); always a fresh token (refresh or sign-in).
 */
export function signInFromAccessFile(
  access: LoadedAccessFile,
  flags: SignInFlags,
  cluster: ClusterSpec,
): TokenSource {
  const { tenant } = access.file;
  const signIn = clusterSignIn(access.file, cluster);
  if (!signIn)
    throw new KentraError(
      'access.invalid',
      cluster.environment === undefined
        ? `${access.path}: app.clientId is not set; there is no app to sign in to`
        : `${access.path}: cluster "${cluster.name}" has no audience: environment "${cluster.environment}" has no app yet`,
      {
        hint: 'Run `kentra entra setup` (it writes the client IDs into the file) or set them yourself.',
      },
    );
  // An app ID URI audience needs its access token unless the person asked for other scopes.
  const own = signIn.tokenType === 'access' && !flags.scopes?.length;
  return {
    kind: 'get-token',
    input: {
      authorityHost: tenant.authority,
      tenant: tenant.id,
      clientId: signIn.clientId,
      tokenType: own ? 'access' : (flags.tokenType ?? 'id'),
      scopes: own ? signIn.scopes : (flags.scopes ?? []),
      loginHint: flags.loginHint,
      login: flags.login ?? 'auto',
      caFile: tenant.certificateAuthorityFile && access.resolvePath(tenant.certificateAuthorityFile),
      browserCommand: flags.browserCommand,
      timeoutMs: flags.timeoutMs ?? 180_000,
      forceRefresh: true,
      expect: {},
    },
  };
}

type Dict = Record<string, unknown>;

/**
 * The token source of a kubeconfig context's user (default: --context, else
 * current-context, across every KUBECONFIG file as kubectl merges them).
 * `parseGetTokenArgs` is the get-token command's own argument reader (the CLI
 * hands it in), so flags mean here what they mean to kubectl.
 */
export async function tokenSourceFromKubeconfig(
  kubeconfig: Pick<KubeconfigSource, 'context'>,
  context: string | undefined,
  deps: { parseGetTokenArgs: (args: readonly string[]) => GetTokenInput },
): Promise<TokenSource> {
  const { name, user: located } = await kubeconfig.context(context);
  const user = located?.value ?? {};
  const exec = user.exec as Dict | undefined;
  const args = kentraGetTokenArgs(exec);
  if (args) return { kind: 'get-token', input: { ...deps.parseGetTokenArgs(args), forceRefresh: false } };
  if (typeof user.token === 'string' && user.token !== '')
    return { kind: 'static', token: user.token, context: name };
  throw new KentraError(
    'config.invalid',
    `the user of context "${name}" does not sign in with kentra get-token${exec ? ` (it runs ${String(exec.command)})` : ''}`,
    {
      hint: 'Write a context with `kentra kubeconfig`, or pass --context with one that uses it.',
    },
  );
}

/** The token itself: from get-token's use case (cache, refresh or sign-in), or the static one. */
export async function obtainToken(source: TokenSource, deps: GetTokenDeps): Promise<string> {
  if (source.kind === 'static') return source.token;
  const { getToken } = await import('./get-token.js');
  // This is a person running kentra, not kubectl: no exec-info from a parent kubectl applies.
  const env = { ...deps.env, KUBERNETES_EXEC_INFO: undefined };
  const credential = JSON.parse(await getToken(source.input, { ...deps, env })) as {
    status?: { token?: string };
  };
  const token = credential.status?.token;
  if (!token) throw new KentraError('auth.failed', 'kentra get-token returned no token');
  return token;
}
