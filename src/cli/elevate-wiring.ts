/**
 * Wiring for `kentra elevate` (imported lazily by its command): the access
 * file, the cluster sign-in whose token kubectl sends (a kubeconfig context
 * running `kentra get-token`, else the access file's app), Graph as that
 * signed-in user (usecases/user-graph.ts), and the roles the grant preview
 * evaluates against.
 */
import { resolve } from 'node:path';
import { kubeconfigPath } from '../adapters/connections.js';
import { graphScope } from '../adapters/entra/graph-credential.js';
import { nodeFiles } from '../adapters/files.js';
import type { FetchLike } from '../adapters/graph/client.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { aggregatedBootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import type { ElevateDeps } from '../usecases/elevate.js';
import type { GetTokenInput } from '../usecases/get-token.js';
import { type LoadedAccessFile, loadAccessFile } from '../usecases/load-access.js';
import { selectCluster } from '../usecases/select-cluster.js';
import type { GrantType } from '../usecases/sign-in-plan.js';
import { userGraph } from '../usecases/user-graph.js';
import { obtainToken, signInFromAccessFile, tokenSourceFromKubeconfig } from '../usecases/user-token.js';
import type { CliContext } from './context.js';
import { deps as getTokenDeps, parseGetTokenArgs } from './get-token.js';

export interface ElevateWiringFlags {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  loginHint?: string;
  grantType?: GrantType;
  browserCommand?: string;
  timeoutMs: number;
}

export interface ElevateWiring {
  access: LoadedAccessFile;
  /** Where the cluster token comes from, for messages. */
  signInFrom: string;
  deps: ElevateDeps;
}

/**
 * The sign-in whose cached token kubectl sends: the cluster's kubeconfig
 * context (--context, the access file's cluster.context, else the current
 * one) when its user runs `kentra get-token`, otherwise the access file's app.
 */
async function clusterSignIn(
  ctx: CliContext,
  access: LoadedAccessFile,
  flags: ElevateWiringFlags,
): Promise<{ input: GetTokenInput; from: string }> {
  const cluster = flags.cluster ? selectCluster(access.file, flags.cluster) : undefined;
  const context = flags.context ?? cluster?.context;
  const kubeconfig = resolve(ctx.cwd, kubeconfigPath(flags.kubeconfig, ctx.env));
  try {
    const source = await tokenSourceFromKubeconfig(kubeconfig, context, {
      readText: nodeFiles.readText,
      parseGetTokenArgs,
    });
    if (source.kind === 'get-token')
      return { input: source.input, from: `kubeconfig context ${context ?? '(current)'}` };
  } catch (error) {
    // An explicit context that cannot be used is an error; a missing default is normal.
    if (flags.context) throw error;
  }
  const source = signInFromAccessFile(access, {
    loginHint: flags.loginHint,
    grantType: flags.grantType,
    browserCommand: flags.browserCommand,
    timeoutMs: flags.timeoutMs,
  });
  if (source.kind !== 'get-token') throw new Error('unreachable');
  return {
    input: { ...source.input, forceRefresh: false },
    from: `the access file's app ${access.file.app.name}`,
  };
}

export async function elevateWiring(ctx: CliContext, flags: ElevateWiringFlags): Promise<ElevateWiring> {
  const access = await loadAccessFile(resolve(ctx.cwd, flags.access), nodeFiles.readText, flags.access);
  const { tenant } = access.file;
  const caFile = tenant.certificateAuthorityFile && access.resolvePath(tenant.certificateAuthorityFile);
  const fetch: FetchLike = caFile
    ? fetchTrusting(await nodeFiles.readText(caFile))
    : (globalThis.fetch as FetchLike);
  const { input, from } = await clusterSignIn(ctx, access, flags);
  const cluster = {
    ...input,
    ...(flags.loginHint ? { loginHint: flags.loginHint } : {}),
    ...(flags.browserCommand ? { browserCommand: flags.browserCommand } : {}),
  };
  const tokenDeps = getTokenDeps(ctx);
  const graph = userGraph(
    cluster,
    { baseUrl: tenant.graph, resource: graphScope(tenant.graph).replace(/\/\.default$/, ''), fetch },
    tokenDeps,
  );
  return {
    access,
    signInFrom: from,
    deps: {
      graph,
      // get-token's use case with --force-refresh semantics: the entry kubectl reads is rewritten.
      refreshClusterToken: () =>
        obtainToken({ kind: 'get-token', input: { ...cluster, forceRefresh: true } }, tokenDeps),
      roles: aggregatedBootstrapDefaults(),
      now: ctx.now,
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      say: (line) => ctx.stderr.write(`${line}\n`),
    },
  };
}
