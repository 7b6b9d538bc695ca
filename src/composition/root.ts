/**
 * The composition root: the ONE place that builds kentra's adapters from the
 * process's CliContext and hands the use cases the small interfaces they take
 * (the role `pkg/di` plays in int128/kubelogin). Commands (src/cli/) parse
 * flags, call one use case with what the root gives them, and render; tests
 * build the same graph with a fake CliContext (test/helpers/cli.ts).
 *
 * Every factory loads its adapter on first use (import()): `kentra --help`
 * and the commands that need none of them pay for nothing. The get-token hot
 * path does not come through here at all (composition/get-token.ts).
 *
 * Seams other work swaps the inside of, keep them single:
 * - `graph()` is the one way to Microsoft Graph for the commands that use it;
 * - `kubeconfig()` is the one way to kubeconfig files (kubectl's loading, merging and
 *   writing rules, src/adapters/kube/kubeconfig.ts); `kube()` and `kubeConnection()` go through it.
 */
import type { Files } from '../adapters/files.js';
import type { FetchLike } from '../adapters/graph/client.js';
import type { GraphAccess, GraphAuthSettings } from '../adapters/graph/open-graph.js';
import type { KubeClient } from '../adapters/kube/client.js';
import type { KubeConnection, KubeconfigSelection, KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { displayValue } from '../adapters/render/terminal-text.js';
import type { TokenCacheStore } from '../adapters/token-cache/store.js';
import type { TenantSpec } from '../domain/access/model.js';
import type { CliContext } from '../ports/cli-context.js';
import type { AccessInputDeps } from '../usecases/access-inputs.js';
import type { GetTokenDeps } from '../usecases/get-token-cache.js';
import type { LoadedAccessFile } from '../usecases/load-access.js';
import type { Elevation, ElevationFlags } from './elevate.js';
import { getTokenDeps, storeFor } from './get-token.js';
import type { UserSide } from './user-side.js';

export interface Root {
  readonly ctx: CliContext;
  /** A progress line on stderr. */
  progress(line: string): void;
  /** The filesystem as use cases read and write it. */
  readonly files: Files;
  /** The user's home folder ($HOME, else the OS's idea of it). */
  home(): Promise<string>;
  /** A path the user typed, resolved against the working folder. */
  resolve(path: string): Promise<string>;
  /**
   * The kubeconfig as kubectl sees it: --kubeconfig, else every KUBECONFIG file merged, else
   * ~/.kube/config; --context over current-context; written like `kubectl config` (its lock,
   * the file that holds an entry, symlinks kept).
   */
  kubeconfig(flags: KubeconfigSelection): Promise<KubeconfigSource>;
  /** Server, CA and credentials of a kubeconfig context (default: --context, else current-context). */
  kubeConnection(flags: KubeconfigSelection): Promise<KubeConnection>;
  /** A Kubernetes API client for a kubeconfig context; the caller closes it. */
  kube(flags: KubeconfigSelection): Promise<KubeClient>;
  /**
   * Microsoft Graph for a tenant (ID, authority, Graph base URL; each may be absent), signed in as
   * `--graph-auth` says (src/adapters/graph/open-graph.ts); undefined when `auto` finds no credential.
   */
  graph(
    auth: GraphAuthSettings,
    tenant: Partial<Pick<TenantSpec, 'id' | 'authority' | 'graph'>>,
    caFile: string | undefined,
  ): Promise<GraphAccess | undefined>;
  /** Graph for the tenant of an access file (its ID, authority, base URL and private CA). */
  graphFor(auth: GraphAuthSettings, access: LoadedAccessFile): Promise<GraphAccess | undefined>;
  /** fetch, trusting `caFile` (PEM) besides the system's roots when given. */
  fetch(caFile: string | undefined): Promise<FetchLike>;
  /** GET a JSON document (issuer discovery): status and body, the body undefined when it is not JSON. */
  fetchJson(caFile: string | undefined): Promise<(url: string) => Promise<{ status: number; body: unknown }>>;
  /** The token cache get-token reads and writes (logout forgets its entries). */
  tokenStore(): TokenCacheStore;
  /** get-token's store, lock, browser, sign-in flows and clock. */
  getToken(): GetTokenDeps;
  /** The user's side of a kubeconfig context: its token source, a token, a SelfSubjectReview. */
  userSide(flags: KubeconfigSelection): Promise<UserSide>;
  /** RBAC sources for `kentra access`: manifests, or the cluster of a kubeconfig context. */
  accessInputs(flags: KubeconfigSelection): Promise<AccessInputDeps>;
  /** `kentra elevate`: the access file, the cluster sign-in, Graph as the signed-in user. */
  elevation(flags: ElevationFlags): Promise<Elevation>;
}

export function composeRoot(ctx: CliContext): Root {
  let tokenDeps: GetTokenDeps | undefined;
  const files: Files = {
    readText: async (path) => (await import('../adapters/files.js')).nodeFiles.readText(path),
    writeText: async (path, text, options) =>
      (await import('../adapters/files.js')).nodeFiles.writeText(path, text, options),
  };
  const root: Root = {
    ctx,
    // Progress quotes Entra, clusters and files: escaped for the terminal (adapters/render/terminal-text.ts).
    progress: (line) => ctx.stderr.write(`${displayValue(line)}\n`),
    files,
    home: async () => ctx.env.HOME ?? (await import('node:os')).homedir(),
    resolve: async (path) => (await import('node:path')).resolve(ctx.cwd, path),
    kubeconfig: async (flags) => {
      const { openKubeconfig } = await import('../adapters/kube/kubeconfig.js');
      return openKubeconfig(
        { kubeconfig: flags.kubeconfig, context: flags.context },
        { env: { ...ctx.env, HOME: await root.home() }, cwd: ctx.cwd },
      );
    },
    kubeConnection: async (flags) => (await root.kubeconfig(flags)).connection(),
    kube: async (flags) => {
      const { KubeClient } = await import('../adapters/kube/client.js');
      return new KubeClient(await root.kubeConnection(flags));
    },
    graph: async (auth, tenant, caFile) => {
      const { openGraph } = await import('../adapters/graph/open-graph.js');
      return openGraph({
        auth,
        tenant,
        caPem: caFile ? await files.readText(caFile) : undefined,
        env: ctx.env,
        now: ctx.now,
        progress: root.progress,
        // A person can answer a device-code prompt only where stderr is a terminal.
        interactive: ctx.stderrIsTTY,
      });
    },
    graphFor: (auth, access) => {
      const { tenant } = access.file;
      return root.graph(
        auth,
        tenant,
        tenant.certificateAuthorityFile && access.resolvePath(tenant.certificateAuthorityFile),
      );
    },
    fetch: async (caFile) => {
      if (!caFile) return globalThis.fetch as FetchLike;
      const { fetchTrusting } = await import('../adapters/http-fetch.js');
      return fetchTrusting(await files.readText(caFile));
    },
    fetchJson: async (caFile) => {
      const fetch = await root.fetch(caFile);
      return async (url) => {
        const response = await fetch(url, { method: 'GET', headers: { accept: 'application/json' } });
        const text = await response.text();
        try {
          return { status: response.status, body: JSON.parse(text) as unknown };
        } catch {
          return { status: response.status, body: undefined };
        }
      };
    },
    tokenStore: () => storeFor(ctx),
    getToken: () => {
      tokenDeps ??= getTokenDeps(ctx);
      return tokenDeps;
    },
    userSide: async (flags) => {
      const { userSide } = await import('./user-side.js');
      return userSide(await root.kubeconfig(flags), root.getToken());
    },
    accessInputs: async (flags) =>
      (await import('./access-inputs.js')).accessInputDeps({
        kube: () => root.kube(flags),
        readText: files.readText,
        progress: root.progress,
      }),
    elevation: async (flags) => (await import('./elevate.js')).elevation({ ...root, now: ctx.now }, flags),
  };
  return root;
}
