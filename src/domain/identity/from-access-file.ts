/** The JWT authenticator an access file describes (for rendering and for evaluation). */
import type { AccessFile, ClusterSpec } from '../access/model.js';
import { type JwtAuthenticator, jwtAuthenticator } from './authenticator.js';

/** The audiences a cluster accepts: its own when it has one, else the app's client ID and audiences. */
export function clusterAudiences(
  file: AccessFile,
  clientId: string | undefined,
  cluster?: ClusterSpec,
): string[] {
  if (cluster?.audience) return [cluster.audience];
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
    policy: file.policy,
  });
}
