/**
 * The app registrations an access file asks for, and which one serves each
 * cluster (#14.7). Clusters without an environment are served by `app`; each
 * environment gets an app of its own (`<app.name>-<environment>`) whose client
 * ID is the audience of its clusters. One app per environment is the one
 * audience separation Entra gives for both token kinds kubectl can present:
 * an ID token's `aud` is the client that signed in, a v2 access token's `aud`
 * is its API's client ID whatever identifier URI was requested; only v1
 * access tokens carry an app ID URI
 * (learn.microsoft.com/entra/identity-platform/id-token-claims-reference and
 * .../access-token-claims-reference, `aud`). Separate apps also separate who
 * may get a token at all (assignment per environment) and let Conditional
 * Access policies target one environment.
 */

import type { FieldPath } from '../config-check/issues.js';
import type { AccessFile, AccessRule, ClusterSpec } from './model.js';
import { isExpired, isObjectId, ruleAppliesTo } from './model.js';

export interface ClusterApp {
  /** Undefined for `app` itself (clusters without an environment). */
  environment?: string;
  displayName: string;
  /** The client ID the file records for it (app.clientId, or its clusters' audience). */
  clientId?: string;
  /** The clusters whose tokens it issues. */
  clusters: ClusterSpec[];
  /** Where `kentra entra setup` writes its client ID: app.clientId, or each cluster's audience. */
  clientIdFields: FieldPath[];
}

/** The display name of an environment's app. */
export function environmentAppName(file: AccessFile, environment: string): string {
  return `${file.app.name}-${environment}`;
}

/**
 * A cluster without an environment whose audience is another app than the file's: an app made
 * by hand (or by another access file); setup leaves it alone.
 */
export function hasForeignAudience(file: AccessFile, cluster: ClusterSpec): boolean {
  return (
    cluster.environment === undefined &&
    cluster.audience !== undefined &&
    cluster.audience.toLowerCase() !== file.app.clientId?.toLowerCase()
  );
}

/**
 * `app` (unless every cluster has an environment, when it serves none), then one app per
 * environment in the order the clusters name them.
 */
export function clusterApps(file: AccessFile): ClusterApp[] {
  const apps: ClusterApp[] = [];
  const own = file.clusters.filter(
    (cluster) => cluster.environment === undefined && !hasForeignAudience(file, cluster),
  );
  if (own.length > 0 || file.clusters.every((cluster) => cluster.environment === undefined))
    apps.push({
      displayName: file.app.name,
      ...(file.app.clientId ? { clientId: file.app.clientId } : {}),
      clusters: own,
      clientIdFields: [['app', 'clientId']],
    });
  const environments = [...new Set(file.clusters.flatMap((cluster) => cluster.environment ?? []))];
  for (const environment of environments) {
    const clusters = file.clusters.filter((cluster) => cluster.environment === environment);
    // parse.ts makes sure an environment's clusters name one client ID at most.
    const clientId = clusters.find((cluster) => cluster.audience !== undefined)?.audience;
    apps.push({
      environment,
      displayName: environmentAppName(file, environment),
      ...(clientId ? { clientId } : {}),
      clusters,
      clientIdFields: clusters.map((cluster) => ['clusters', file.clusters.indexOf(cluster), 'audience']),
    });
  }
  return apps;
}

/** The app that serves a cluster. */
export function clusterAppOf(file: AccessFile, cluster: ClusterSpec): ClusterApp | undefined {
  return clusterApps(file).find((app) => app.clusters.includes(cluster));
}

/**
 * The unexpired rules whose grants reach at least one of the app's clusters: their groups are
 * assigned. An `app` that serves no cluster of its own (every cluster names another app) keeps
 * every rule, as before clusters had audiences.
 */
export function rulesFor(file: AccessFile, app: ClusterApp, now: number): AccessRule[] {
  return file.rules.filter(
    (rule) =>
      !isExpired(rule, now) &&
      (app.clusters.length === 0 || app.clusters.some((cluster) => ruleAppliesTo(rule, cluster.name))),
  );
}

/**
 * The audience a cluster accepts: its own, else (no environment) the app's client ID; undefined
 * while an environment's app has not been made yet (`kentra entra setup` writes it).
 */
export function clusterAudience(file: AccessFile, cluster: ClusterSpec): string | undefined {
  if (cluster.audience) return cluster.audience;
  return cluster.environment === undefined ? file.app.clientId : undefined;
}

/** How to get a token a cluster accepts (what `kentra kubeconfig` writes for it). */
export interface ClusterSignIn {
  /** The app that signs the user in. */
  clientId: string;
  tokenType: 'id' | 'access';
  scopes: string[];
  /** The `aud` the token carries: the one the cluster accepts. */
  audience: string;
}

/**
 * A client-ID audience: an ID token of that app (its `aud` is the client that signed in).
 * An app ID URI audience (v1 tokens only, see parse.ts): a v1 access token requested with
 * `<uri>/.default` by the file's app, whose `aud` is the URI as requested.
 */
export function clusterSignIn(file: AccessFile, cluster: ClusterSpec): ClusterSignIn | undefined {
  const audience = clusterAudience(file, cluster);
  if (!audience) return undefined;
  if (isObjectId(audience)) return { clientId: audience, tokenType: 'id', scopes: [], audience };
  if (!file.app.clientId) return undefined;
  return {
    clientId: file.app.clientId,
    tokenType: 'access',
    scopes: [`${audience.replace(/\/+$/, '')}/.default`],
    audience,
  };
}

/**
 * Client apps whose tokens a cluster accepts when policy.allowedClientApps is set: the list, and
 * the app that signs users in for the cluster (its ID tokens' `aud`, their client). Empty: any.
 */
export function clusterClientApps(file: AccessFile, cluster: ClusterSpec): string[] {
  const listed = file.policy.allowedClientApps;
  if (listed.length === 0) return [];
  const own = clusterSignIn(file, cluster)?.clientId;
  return [...new Set([...listed, ...(own ? [own.toLowerCase()] : [])])];
}

/** Every client ID of the file's apps: `app`, the environments' apps, the web client. */
export function accessFileAppIds(file: AccessFile): string[] {
  const ids = [
    ...(file.app.clientId ? [file.app.clientId] : []),
    ...file.clusters.flatMap((cluster) =>
      cluster.audience && isObjectId(cluster.audience) ? [cluster.audience] : [],
    ),
    ...(file.app.web?.clientId ? [file.app.web.clientId] : []),
  ];
  return ids.filter(
    (id, index) => ids.findIndex((other) => other.toLowerCase() === id.toLowerCase()) === index,
  );
}
