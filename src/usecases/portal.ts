/**
 * `kentra portal`: the self-service web app, wired to the outside world.
 *
 * Its sign-in is its own app registration (a confidential web client), never
 * the cluster's: the portal's tokens are for Graph and for itself, so a portal
 * session cannot be replayed against a cluster, and a cluster token never
 * passes through the portal. Refused when both IDs are the same.
 */
import {
  redeemCode,
  silentToken,
  startAuthorization,
  type WebSignInConfig,
} from '../adapters/entra/web-sign-in.js';
import { nodeFiles } from '../adapters/files.js';
import { type FetchLike, GraphClient } from '../adapters/graph/client.js';
import { elevationScopes } from '../adapters/graph/privileged-access.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { KubeClient } from '../adapters/kube/client.js';
import type { KubeconfigSource } from '../adapters/kube/kubeconfig.js';
import { loadRbacFromCluster } from '../adapters/kube/rbac-source.js';
import { clusterApps } from '../domain/access/cluster-apps.js';
import type { ClusterSpec } from '../domain/access/model.js';
import { graphResourceFor } from '../domain/entra/clouds.js';
import { aggregatedBootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import type { RbacSnapshot } from '../domain/rbac/model.js';
import { KentraError } from '../errors.js';
import { portalHandler } from '../portal/app.js';
import { listenPortal, type PortalListener } from '../portal/server.js';
import { clusterKubeconfigRequest } from './cluster-kubeconfig.js';
import { writeKubeconfig } from './kubeconfig.js';
import { loadAccessFile } from './load-access.js';

export interface PortalRequest {
  accessPath: string;
  host: string;
  port: number;
  /** The origin browsers use (behind a proxy); default: the listener's own URL. */
  publicUrl?: string;
  /** The portal's app registration (not the cluster's). */
  clientId: string;
  clientSecret: string;
  tls?: { certFile: string; keyFile: string };
  /** The portal's own kubeconfig, to read each cluster's RBAC (contexts from clusters[].context). */
  kubeconfig: Pick<KubeconfigSource, 'connection'>;
  sessionHours: number;
  /** What downloaded kubeconfigs run for get-token. */
  command: string;
}

export interface PortalDeps {
  readText: (path: string) => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: () => number;
  log: (line: string) => void;
  interrupted: Promise<unknown>;
  onListening?: (url: string) => void;
}

/** RBAC is read at most this often per cluster. */
const rbacTtlMs = 15_000;

export async function runPortal(request: PortalRequest, deps: PortalDeps): Promise<void> {
  const listener = await startPortal(request, deps);
  deps.log(JSON.stringify({ event: 'listening', url: listener.url }));
  deps.onListening?.(listener.url);
  await deps.interrupted;
  await listener.close();
}

export async function startPortal(request: PortalRequest, deps: PortalDeps): Promise<PortalListener> {
  const access = await loadAccessFile(request.accessPath, deps.readText);
  const { file } = access;
  const clusterAppIds = clusterApps(file).flatMap((app) =>
    app.clientId ? [app.clientId.toLowerCase()] : [],
  );
  if (clusterAppIds.includes(request.clientId.toLowerCase()))
    throw new KentraError('usage', "the portal's client ID is a cluster app's", {
      hint: 'Register a separate web app for the portal (its tokens must never be cluster credentials) and pass its ID with --client-id.',
    });
  const caFile =
    file.tenant.certificateAuthorityFile && access.resolvePath(file.tenant.certificateAuthorityFile);
  const caPem = caFile ? await deps.readText(caFile) : undefined;
  const fetch: FetchLike = caPem ? fetchTrusting(caPem) : (globalThis.fetch as FetchLike);
  const signIn: WebSignInConfig = {
    authorityHost: file.tenant.authority,
    tenant: file.tenant.id,
    clientId: request.clientId,
    clientSecret: request.clientSecret,
    ...(caPem ? { caPem } : {}),
  };
  const resource = graphResourceFor(file.tenant.graph);
  const rbacCache = new Map<string, { at: number; snapshot: Promise<RbacSnapshot> }>();
  const readRbac = async (cluster: ClusterSpec): Promise<RbacSnapshot> => {
    const connection = await request.kubeconfig.connection(cluster.context);
    const client = new KubeClient(connection);
    try {
      return (await loadRbacFromCluster(client)).snapshot;
    } finally {
      client.close();
    }
  };
  const log = (event: string, fields: Record<string, unknown> = {}) =>
    deps.log(JSON.stringify({ time: new Date(deps.now()).toISOString(), event, ...fields }));
  const tls = request.tls && {
    certPem: await deps.readText(request.tls.certFile),
    keyPem: await deps.readText(request.tls.keyFile),
  };
  // The handler needs the origin, which a port 0 listener knows only once bound.
  let handler: ReturnType<typeof portalHandler> | undefined;
  const listener = await listenPortal(
    async (req, res) => {
      if (handler) return handler(req, res);
      res.writeHead(503, { 'retry-after': '1' }).end();
    },
    { host: request.host, port: request.port, ...(tls ? { tls } : {}) },
  );
  handler = portalHandler(
    {
      access: file,
      now: deps.now,
      signIn: {
        start: (options) => startAuthorization(signIn, options),
        redeem: (options) => redeemCode(signIn, options),
        silent: (options) => silentToken(signIn, options),
      },
      graph: (accessToken) =>
        new GraphClient({ baseUrl: file.tenant.graph, fetch, accessToken, now: deps.now }),
      rbac: (cluster) => {
        const cached = rbacCache.get(cluster.name);
        if (cached && deps.now() - cached.at < rbacTtlMs) return cached.snapshot;
        const snapshot = readRbac(cluster);
        rbacCache.set(cluster.name, { at: deps.now(), snapshot });
        snapshot.catch(() => rbacCache.delete(cluster.name));
        return snapshot;
      },
      kubeconfig: async (cluster, loginHint) => {
        // The token this cluster accepts: its environment's app (#14.7), as `kentra kubeconfig --access`.
        const written = await writeKubeconfig(
          clusterKubeconfigRequest(access, cluster, {
            command: request.command,
            scopes: [],
            loginHint,
            force: false,
            useContext: true,
            toStdout: true,
          }),
          {
            // Rendered for the download (toStdout): the portal never writes a kubeconfig of its own.
            kubeconfig: {
              modify: () => Promise.reject(new KentraError('internal', 'the portal writes no kubeconfig')),
            },
            cwd: deps.cwd,
          },
        );
        return written.text ?? '';
      },
      roles: aggregatedBootstrapDefaults(),
      log,
    },
    {
      origin: (request.publicUrl ?? listener.url).replace(/\/+$/, ''),
      scopes: [
        'openid',
        'profile',
        'offline_access',
        ...elevationScopes.map((scope) => `${resource}/${scope}`),
      ],
      sessionHours: request.sessionHours,
    },
  );
  return listener;
}

/** The portal's client secret: a file (mounted secret) or KENTRA_PORTAL_CLIENT_SECRET; never a flag value. */
export async function portalSecret(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const secret = file ? (await nodeFiles.readText(file)).trim() : env.KENTRA_PORTAL_CLIENT_SECRET;
  if (!secret)
    throw new KentraError('usage', "the portal needs its app's client secret", {
      hint: 'Pass --client-secret-file FILE (a mounted secret) or set KENTRA_PORTAL_CLIENT_SECRET.',
    });
  return secret;
}
