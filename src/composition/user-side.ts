/**
 * The user's side of a cluster, as `kentra whoami` and `kentra verify` see it:
 * the kubeconfig they read, the token source of one of its contexts, the token
 * itself through get-token's use case, and a SelfSubjectReview made with that
 * token against the context's server. Loaded lazily by the root.
 */
import { KubeClient } from '../adapters/kube/client.js';
import type { KubeConnection, KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { selfSubjectReview } from '../adapters/kube/self-review.js';
import type { SelfReview } from '../domain/verify/facts.js';
import { parseGetTokenArgs } from '../usecases/get-token-args.js';
import type { GetTokenDeps } from '../usecases/get-token-cache.js';
import { obtainToken, type TokenSource, tokenSourceFromKubeconfig } from '../usecases/user-token.js';

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

export async function userSide(kubeconfig: KubeconfigSource, getToken: GetTokenDeps): Promise<UserSide> {
  const connection = await kubeconfig.connection();
  return {
    kubeconfig,
    connection,
    tokenSource: (context) => tokenSourceFromKubeconfig(kubeconfig, context, { parseGetTokenArgs }),
    obtain: (source) => obtainToken(source, getToken),
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
