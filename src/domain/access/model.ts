/**
 * The access file after validation and defaults: what every use case works
 * with. The YAML shape is described by schema.ts; parse.ts turns one into the
 * other.
 */
import type { IdentitySettings } from '../identity/mapping.js';
import type { PolicySettings } from '../identity/policy.js';
import type { clusterKinds, groupMembershipClaims } from './schema.js';

export type ClusterKind = (typeof clusterKinds)[number];

export interface TenantSpec {
  id: string;
  authority: string;
  graph: string;
  issuer: string;
  certificateAuthorityFile?: string;
}

export interface AppSpec {
  name: string;
  clientId?: string;
  tokenVersion: 1 | 2;
  audiences: string[];
  groupMembershipClaims: (typeof groupMembershipClaims)[number];
  web?: WebClientSpec;
}

/**
 * A confidential web client (e.g. a portal): an app registration of its own, never the cluster
 * app, so its ID tokens (audience: the web client) are no cluster credential. It gets tokens for
 * the clusters named in `clusters` only: their apps pre-authorize it for kentra's scope.
 */
export interface WebClientSpec {
  /** Display name of its app registration (default `<app.name>-web`). */
  name: string;
  /** Written by `kentra entra setup`. */
  clientId?: string;
  redirectUris: string[];
  credential: 'secret' | 'federated' | 'none';
  federatedCredential?: { name: string; issuer: string; subject: string };
  /** Clusters whose tokens it may request (as the signed-in user); none by default. */
  clusters: string[];
}

export interface ClusterSpec {
  name: string;
  kind: ClusterKind;
  server?: string;
  /** Minor version as written, e.g. "1.34"; undefined means "1.34 or later". */
  kubernetesVersion?: string;
  context?: string;
  certificateAuthorityFile?: string;
  /**
   * The audience this cluster accepts: the client ID of its environment's app (written by
   * `kentra entra setup`), of an app made by hand, or an app ID URI (v1 tokens); default the app's.
   */
  audience?: string;
  /** Environment name: `kentra entra setup` gives each environment an app of its own. */
  environment?: string;
}

export type RuleScope =
  | { kind: 'cluster' }
  | { kind: 'namespaces'; namespaces: string[] }
  | { kind: 'selector'; matchLabels: Record<string, string> };

export interface AccessRule {
  /** Position in `rules`, for messages (`rules[3].group`). */
  index: number;
  /** As written: a display name or an object ID. */
  group: string;
  /**
   * The object ID `group` resolved to when it was pinned (lower case). A display name
   * can be taken by another group after a deletion; the pin makes that a refusal.
   */
  groupId?: string;
  roleRef: { kind: 'ClusterRole' | 'Role'; name: string };
  scope: RuleScope;
  /** Clusters this rule applies to; undefined means all. */
  clusters?: string[];
  /** Milliseconds since the epoch; the grant ends then. */
  expires?: number;
  description?: string;
  /** Just-in-time: members come only through PIM activations (`kentra elevate`). */
  jit?: true;
}

export interface AccessFile {
  /** Labels the bindings this file manages; prune touches no other. */
  name: string;
  tenant: TenantSpec;
  app: AppSpec;
  clusters: ClusterSpec[];
  identity: IdentitySettings;
  policy: PolicySettings;
  rules: AccessRule[];
}

const objectId = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isObjectId(value: string): boolean {
  return objectId.test(value);
}

export function ruleAppliesTo(rule: AccessRule, cluster: string): boolean {
  return rule.clusters === undefined || rule.clusters.includes(cluster);
}

/**
 * Whether a rule grants administrator rights: its role is cluster-admin,
 * admin, or any role named so (by convention, e.g. platform-admin). Who can
 * join such a rule's group can make themselves an administrator.
 */
export function isAdminLikeRule(rule: AccessRule): boolean {
  return /admin/i.test(rule.roleRef.name);
}

export function isExpired(rule: AccessRule, now: number): boolean {
  return rule.expires !== undefined && rule.expires <= now;
}
