/** The JWT authenticator an access file describes (for rendering and for evaluation). */
import { clusterClientApps } from '../access/cluster-apps.js';
import type { AccessFile, ClusterSpec } from '../access/model.js';
import { type JwtAuthenticator, jwtAuthenticator } from './authenticator.js';

/**
 * The audiences a cluster accepts: its own when it has one; none yet for a cluster of an
 * environment whose app `kentra entra setup` has not made; else the app's client ID and audiences.
 */
export function clusterAudiences(
  file: AccessFile,
  clientId: string | undefined,
  cluster?: ClusterSpec,
): string[] {
  if (cluster?.audience) return [cluster.audience];
  if (cluster?.environment !== undefined) return [];
  return [...(clientId ? [clientId] : []), ...file.app.audiences];
}

export function authenticatorFromAccessFile(
  file: AccessFile,
  clientId: string,
  cluster?: ClusterSpec,
): JwtAuthenticator {
  return jwtAuthenticator({
    issuer: file.tenant.issuer,
    audiences: clusterAudiences(file, clientId, cluster),
    identity: file.identity,
    // The cluster's own sign-in app is allowed too: its ID tokens name it as their audience.
    policy: cluster ? { ...file.policy, allowedClientApps: clusterClientApps(file, cluster) } : file.policy,
  });
}
