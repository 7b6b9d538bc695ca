/**
 * `kentra kubeconfig --access kentra.yaml --cluster NAME`: the kubeconfig
 * entries for one cluster of the access file, its settings taken from the
 * file (flags given still win). The user's get-token requests a token whose
 * `aud` is the one that cluster accepts (#14.7: its environment's app, see
 * domain/access/cluster-apps.ts), and `--expect-issuer`/`--expect-audience`
 * let get-token explain a token that the cluster would refuse. The portal's
 * kubeconfig download is built the same way.
 */
import { clusterSignIn } from '../domain/access/cluster-apps.js';
import type { ClusterSpec } from '../domain/access/model.js';
import { KentraError } from '../errors.js';
import {
  type KubeconfigDeps,
  type KubeconfigRequest,
  type KubeconfigResult,
  writeKubeconfig,
} from './kubeconfig.js';
import { type LoadedAccessFile, loadAccessFile, type ReadText } from './load-access.js';
import { selectCluster } from './select-cluster.js';

/** kubeconfig flags; the ones left out come from the access file. */
export type ClusterKubeconfigFlags = Partial<KubeconfigRequest> &
  Pick<KubeconfigRequest, 'command' | 'scopes' | 'force' | 'useContext' | 'toStdout'>;

export type ClusterKubeconfigRequest = ClusterKubeconfigFlags & {
  access: string;
  /** The access file's cluster (may be left out when the file has one). */
  cluster?: string;
};

export async function writeClusterKubeconfig(
  request: ClusterKubeconfigRequest,
  deps: KubeconfigDeps & { readText: ReadText },
): Promise<KubeconfigResult> {
  const access = await loadAccessFile(request.access, deps.readText);
  const cluster = selectCluster(access.file, request.cluster);
  return writeKubeconfig(clusterKubeconfigRequest(access, cluster, request), deps);
}

/** The kubeconfig request for one cluster of the access file; the flags given win. */
export function clusterKubeconfigRequest(
  access: LoadedAccessFile,
  cluster: ClusterSpec,
  flags: ClusterKubeconfigFlags,
): KubeconfigRequest {
  const { file } = access;
  const index = file.clusters.indexOf(cluster);
  const signIn = clusterSignIn(file, cluster);
  if (!signIn && !flags.clientId)
    throw new KentraError(
      'access.invalid',
      cluster.environment === undefined
        ? `${access.path}: app.clientId is not set; there is no app to sign in to`
        : `${access.path}: clusters[${index}].audience is not set: environment "${cluster.environment}" has no app yet`,
      { hint: 'Run `kentra entra setup` (it writes the client IDs into the file), or pass --client-id.' },
    );
  const server = flags.server ?? cluster.server;
  if (!server)
    throw new KentraError('usage', `cluster "${cluster.name}" has no server in ${access.path}`, {
      hint: `Set clusters[${index}].server, or pass --server https://...`,
    });
  const tenantCa = file.tenant.certificateAuthorityFile;
  const clusterCa = cluster.certificateAuthorityFile;
  return {
    ...flags,
    clusterName: flags.clusterName ?? cluster.name,
    server,
    clusterCaFile: flags.clusterCaFile ?? (clusterCa && access.resolvePath(clusterCa)),
    tenant: flags.tenant ?? file.tenant.id,
    clientId: flags.clientId ?? signIn?.clientId ?? '',
    authority: flags.authority ?? file.tenant.authority,
    tokenType: flags.tokenType ?? signIn?.tokenType,
    scopes: flags.scopes.length > 0 ? flags.scopes : (signIn?.scopes ?? []),
    idpCaFile: flags.idpCaFile ?? (tenantCa && access.resolvePath(tenantCa)),
    expectIssuer: flags.expectIssuer ?? file.tenant.issuer,
    expectAudience: flags.expectAudience ?? signIn?.audience,
  };
}
