/**
 * The wiring of `kentra elevate` (loaded lazily by the root): the access
 * file, the cluster sign-in whose token kubectl sends (a kubeconfig context
 * running `kentra get-token`, else the access file's app), Graph as that
 * signed-in user (usecases/user-graph.ts: elevate's one Graph credential), and
 * the roles the grant preview evaluates against.
 */
import type { Files } from '../adapters/files.js';
import type { FetchLike } from '../adapters/graph/client.js';
import type { KubeconfigSelection, KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { clusterAppOf, clusterAudience } from '../domain/access/cluster-apps.js';
import type { AccessFile, ClusterSpec } from '../domain/access/model.js';
import { graphResourceFor } from '../domain/entra/clouds.js';
import { aggregatedBootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import type { ElevateDeps } from '../usecases/elevate.js';
import { parseGetTokenArgs } from '../usecases/get-token-args.js';
import type { GetTokenDeps, GetTokenInput } from '../usecases/get-token-cache.js';
import { type LoadedAccessFile, loadAccessFile } from '../usecases/load-access.js';
import { selectCluster } from '../usecases/select-cluster.js';
import type { LoginChoice } from '../usecases/sign-in-plan.js';
import { userGraph } from '../usecases/user-graph.js';
import { obtainToken, signInFromAccessFile, tokenSourceFromKubeconfig } from '../usecases/user-token.js';

/** What elevate takes from the composition root (its own shape, so root.ts and this file do not import each other). */
export interface ElevationIo {
  files: Pick<Files, 'readText'>;
  now: () => number;
  progress(line: string): void;
  resolve(path: string): Promise<string>;
  kubeconfig(flags: KubeconfigSelection): Promise<KubeconfigSource>;
  fetch(caFile: string | undefined): Promise<FetchLike>;
  getToken(): GetTokenDeps;
}

export interface ElevationFlags {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  loginHint?: string;
  login?: LoginChoice;
  browserCommand?: string;
  timeoutMs: number;
}

export interface Elevation {
  access: LoadedAccessFile;
  /** Where the refreshed cluster token comes from, for messages. */
  signInFrom: string;
  deps: ElevateDeps;
}

/**
 * The sign-in whose cached token kubectl sends: the cluster's kubeconfig
 * context (--context, the access file's cluster.context, else the current
 * one) when its user runs `kentra get-token`, otherwise the access file's app.
 */
async function clusterSignIn(
  root: ElevationIo,
  access: LoadedAccessFile,
  flags: ElevationFlags,
): Promise<{ input: GetTokenInput; from: string }> {
  const cluster = flags.cluster ? selectCluster(access.file, flags.cluster) : undefined;
  const context = flags.context ?? cluster?.context;
  try {
    const source = await tokenSourceFromKubeconfig(
      await root.kubeconfig({ kubeconfig: flags.kubeconfig }),
      context,
      {
        parseGetTokenArgs,
      },
    );
    if (source.kind === 'get-token')
      return { input: source.input, from: `kubeconfig context ${context ?? '(current)'}` };
  } catch (error) {
    // An explicit context that cannot be used is an error; a missing default is normal.
    if (flags.context) throw error;
  }
  const target = signInCluster(access.file, cluster);
  const source = signInFromAccessFile(
    access,
    {
      loginHint: flags.loginHint,
      login: flags.login,
      browserCommand: flags.browserCommand,
      timeoutMs: flags.timeoutMs,
    },
    target,
  );
  if (source.kind !== 'get-token') throw new Error('signInFromAccessFile gives a get-token source');
  return {
    input: { ...source.input, forceRefresh: false },
    from: `the access file's app ${clusterAppOf(access.file, target)?.displayName ?? access.file.app.name}`,
  };
}

/**
 * The cluster whose app signs in (#14.7: each environment has an app of its own): --cluster, else
 * any cluster when they all accept one audience, else the only one (selectCluster asks which).
 */
function signInCluster(file: AccessFile, cluster: ClusterSpec | undefined): ClusterSpec {
  if (cluster) return cluster;
  const [first] = file.clusters;
  const audiences = new Set(file.clusters.map((each) => clusterAudience(file, each)?.toLowerCase()));
  return first && audiences.size === 1 ? first : selectCluster(file, undefined);
}

export async function elevation(root: ElevationIo, flags: ElevationFlags): Promise<Elevation> {
  const access = await loadAccessFile(await root.resolve(flags.access), root.files.readText, flags.access);
  const { tenant } = access.file;
  const caFile = tenant.certificateAuthorityFile && access.resolvePath(tenant.certificateAuthorityFile);
  const { input, from } = await clusterSignIn(root, access, flags);
  const cluster: GetTokenInput = {
    ...input,
    ...(flags.loginHint ? { loginHint: flags.loginHint } : {}),
    ...(flags.browserCommand ? { browserCommand: flags.browserCommand } : {}),
  };
  const tokenDeps = root.getToken();
  const graph = userGraph(
    cluster,
    {
      baseUrl: tenant.graph,
      resource: graphResourceFor(tenant.graph),
      fetch: await root.fetch(caFile),
    },
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
      now: root.now,
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      say: root.progress,
    },
  };
}
