/**
 * Wiring shared by `kentra whoami` and `kentra verify` (imported lazily by
 * both): the kubeconfig they read, the token source of one of its contexts,
 * the token itself through get-token's use case, and a SelfSubjectReview made
 * with that token against the context's server.
 */
import { KubeClient } from '../adapters/kube/client.js';
import { type KubeConnection, type KubeconfigSource, openKubeconfig } from '../adapters/kube/kubeconfig.js';
import { selfSubjectReview } from '../adapters/kube/self-review.js';
import type { SelfReview } from '../domain/verify/facts.js';
import { obtainToken, type TokenSource, tokenSourceFromKubeconfig } from '../usecases/user-token.js';
import type { CliContext } from './context.js';
import { deps as getTokenDeps, parseGetTokenArgs } from './get-token.js';

export interface UserSide {
  /** The kubeconfig, read as kubectl reads it (--kubeconfig, KUBECONFIG, ~/.kube/config; --context). */
  kubeconfig: KubeconfigSource;
  /** Server and CA of the chosen context (its credentials are not used for the review). */
  connection: KubeConnection;
  /** The token source of a context of the same kubeconfig. */
  tokenSource(context: string | undefined): Promise<TokenSource>;
  obtain(source: TokenSource): Promise<string>;
  review(token: string): Promise<SelfReview>;
}

export async function userSide(
  ctx: CliContext,
  flags: { kubeconfig?: string; context?: string },
): Promise<UserSide> {
  const kubeconfig = openKubeconfig(flags, ctx);
  const connection = await kubeconfig.connection();
  return {
    kubeconfig,
    connection,
    tokenSource: (context) => tokenSourceFromKubeconfig(kubeconfig, context, { parseGetTokenArgs }),
    obtain: (source) => obtainToken(source, getTokenDeps(ctx)),
    review: reviewerFor(connection),
  };
}

/** Reviews a token with the server of `connection`, never with its own credentials. */
function reviewerFor(connection: KubeConnection): (token: string) => Promise<SelfReview> {
  return async (token) => {
    const client = new KubeClient({
      server: connection.server,
      caPem: connection.caPem,
      insecureSkipTlsVerify: connection.insecureSkipTlsVerify,
      token,
    });
    try {
      return await selfSubjectReview(client);
    } finally {
      client.close();
    }
  };
}
