/**
 * Wiring shared by `kentra whoami` and `kentra verify`: get-token's
 * dependencies, and a SelfSubjectReview made with the user's own token against
 * the server (and CA) of a kubeconfig context. Imported lazily by both commands.
 */
import { KubeClient } from '../adapters/kube/client.js';
import type { KubeConnection } from '../adapters/kube/kubeconfig.js';
import { selfSubjectReview } from '../adapters/kube/self-review.js';
import type { SelfReview } from '../domain/verify/facts.js';
import type { GetTokenDeps } from '../usecases/get-token-cache.js';
import type { CliContext } from './context.js';

export function getTokenDeps(ctx: CliContext): GetTokenDeps {
  return {
    env: ctx.env,
    // The platform decides how a browser is opened; read here, at this command's wiring point.
    platform: process.platform,
    now: ctx.now,
    say: (line) => ctx.stderr.write(`${line}\n`),
    get interrupted() {
      return ctx.interrupted;
    },
  };
}

/** Reviews a token with the server of `connection`, never with its own credentials. */
export function reviewerFor(connection: KubeConnection): (token: string) => Promise<SelfReview> {
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
