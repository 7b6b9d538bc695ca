/**
 * kentra.yaml (already parsed from YAML) -> AccessFile: structural checks
 * from the schema, then the rules a schema cannot express, then defaults.
 * Pure: checks that need Entra or the cluster live in the use cases.
 */

import { checkSchema } from '../config-check/check.js';
import type { FieldPath, ValidationIssue } from '../config-check/issues.js';
import { didYouMeanSuffix } from '../config-check/suggest.js';
import { defaultAuthority, graphFor } from '../entra/clouds.js';
import { issuerBasesFor, issuerFor, issuerVersionOfTokenVersion } from '../entra/issuers.js';
import { defaultIdentity, type IdentitySettings } from '../identity/mapping.js';
import type { PolicySettings } from '../identity/policy.js';
import {
  type AccessFile,
  type AccessRule,
  type AppSpec,
  type ClusterSpec,
  isObjectId,
  type RuleScope,
  type WebClientSpec,
} from './model.js';
import { accessFileSchema } from './schema.js';

export interface ParsedAccessFile {
  file?: AccessFile;
  issues: ValidationIssue[];
  /** Allowed but risky choices, for stderr. */
  warnings: string[];
}

type Raw = Record<string, unknown>;

function obj(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

const durationUnits = { s: 1, m: 60, h: 3600 } as const;

export function parseDurationSeconds(text: string): number {
  const unit = text.slice(-1) as keyof typeof durationUnits;
  return Number(text.slice(0, -1)) * durationUnits[unit];
}

/** `2026-12-31` means the end of that day in UTC; a full RFC 3339 time means itself. */
export function parseExpiry(text: string): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  return Date.parse(dateOnly ? `${text}T23:59:59.999Z` : text);
}

export function parseAccessFile(raw: unknown): ParsedAccessFile {
  const issues = checkSchema(accessFileSchema, raw);
  const warnings: string[] = [];
  if (issues.length > 0) return { issues, warnings };
  const root = obj(raw);
  const tenant = obj(root.tenant);
  const app = obj(root.app);
  const identityRaw = obj(root.identity);
  const policyRaw = obj(root.policy);
  const add = (path: FieldPath, message: string, hint?: string) => issues.push({ path, message, hint });

  const tenantId = str(tenant.id) ?? '';
  const authority = (str(tenant.authority) ?? defaultAuthority).replace(/\/+$/, '');
  const tokenVersion = (app.tokenVersion as 1 | 2 | undefined) ?? 2;
  const clientId = str(app.clientId);

  const clusters: ClusterSpec[] = (root.clusters as unknown[]).map((item) => {
    const c = obj(item);
    return {
      name: str(c.name) ?? '',
      kind: (str(c.kind) as ClusterSpec['kind'] | undefined) ?? 'self-managed',
      server: str(c.server),
      kubernetesVersion: str(c.kubernetesVersion),
      context: str(c.context),
      certificateAuthorityFile: str(c.certificateAuthorityFile),
      ...(str(c.audience) ? { audience: str(c.audience) } : {}),
      ...(str(c.environment) ? { environment: str(c.environment) } : {}),
    };
  });
  const clusterNames = clusters.map((cluster) => cluster.name);
  clusters.forEach((cluster, i) => {
    if (clusterNames.indexOf(cluster.name) !== i)
      add(['clusters', i, 'name'], `cluster "${cluster.name}" is declared twice`);
  });
  checkAudiences(clusters, tokenVersion, add);

  const identity = parseIdentity(identityRaw, add, warnings);
  const policy: PolicySettings = {
    allowedTenants: strings(policyRaw.allowedTenants) ?? [tenantId],
    denyGuests: (policyRaw.denyGuests as boolean | undefined) ?? true,
    requireMfa: (policyRaw.requireMfa as boolean | undefined) ?? false,
    requireAuthenticationContext: str(policyRaw.requireAuthenticationContext),
    maxTokenAgeSeconds:
      typeof policyRaw.maxTokenAge === 'string' ? parseDurationSeconds(policyRaw.maxTokenAge) : undefined,
    groupOverage: (str(policyRaw.groupOverage) as PolicySettings['groupOverage'] | undefined) ?? 'reject',
    allowedNetworks: strings(policyRaw.allowedNetworks) ?? [],
    // The app's own client (kentra get-token) is always allowed once a list is given.
    allowedClientApps: clientAppList(clientId, strings(policyRaw.allowedClientApps)),
  };
  if (policy.requireMfa && tokenVersion === 2)
    add(
      ['policy', 'requireMfa'],
      'v2 access tokens carry no "amr" claim, so MFA cannot be checked from the token',
      'Create a Conditional Access policy that requires MFA for an authentication context (e.g. c1) and set policy.requireAuthenticationContext: c1, or use app.tokenVersion: 1.',
    );

  const rules = ((root.rules as unknown[] | undefined) ?? []).map((item, index) =>
    parseRule(obj(item), index, clusterNames, add),
  );
  const seen = new Map<string, number>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.group.toLowerCase(), rule.roleRef, rule.scope, rule.clusters]);
    const first = seen.get(key);
    if (first !== undefined)
      add(
        ['rules', rule.index],
        `repeats rules[${first}] (same group, role and scope)`,
        'Remove one of them.',
      );
    else seen.set(key, rule.index);
  }

  const appName = str(app.name) ?? 'kentra';
  const web = parseWebClient(obj(app.web), app.web !== undefined, appName, clusterNames, add);
  if (issues.length > 0) return { issues, warnings };
  return {
    issues,
    warnings,
    file: {
      name: str(root.name) ?? 'kentra',
      tenant: {
        id: tenantId,
        authority,
        graph: (str(tenant.graph) ?? graphFor(authority)).replace(/\/+$/, ''),
        // The issuer form follows the token version (the resource app's choice), on the authority's cloud.
        issuer:
          str(tenant.issuer) ??
          issuerFor(issuerVersionOfTokenVersion(tokenVersion), tenantId, issuerBasesFor(authority)),
        certificateAuthorityFile: str(tenant.certificateAuthorityFile),
      },
      app: {
        name: appName,
        clientId,
        tokenVersion,
        audiences: strings(app.audiences) ?? [],
        groupMembershipClaims:
          (str(app.groupMembershipClaims) as AppSpec['groupMembershipClaims'] | undefined) ?? 'SecurityGroup',
        web,
      },
      clusters,
      identity,
      policy,
      rules,
    },
  };
}

/**
 * What a cluster's audience can be (#14.7). A v2 access token's `aud` is always its API's client
 * ID, and an ID token's `aud` always its client's, whatever identifier URI a request named; only
 * a v1 access token carries the URI it was requested with
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference, `aud`). An
 * environment's clusters share the one app `kentra entra setup` makes for it.
 */
function checkAudiences(
  clusters: readonly ClusterSpec[],
  tokenVersion: 1 | 2,
  add: (path: FieldPath, message: string, hint?: string) => void,
): void {
  const byEnvironment = new Map<string, { audience: string; index: number }>();
  clusters.forEach((cluster, i) => {
    const { audience, environment } = cluster;
    if (audience === undefined) return;
    if (!isObjectId(audience)) {
      if (tokenVersion === 2)
        add(
          ['clusters', i, 'audience'],
          `"${audience}" is an app ID URI, but v2 access tokens and every ID token carry a client ID as aud: this cluster would accept no token`,
          "Leave audience out and give the cluster an environment (`kentra entra setup` makes the environment's app and writes its client ID here), or use app.tokenVersion: 1.",
        );
      else if (environment !== undefined)
        add(
          ['clusters', i, 'audience'],
          `an app ID URI cannot be the audience of environment "${environment}": \`kentra entra setup\` gives each environment an app of its own, whose client ID is the audience`,
          'Remove audience (setup writes the client ID), or remove environment to keep the URI.',
        );
      return;
    }
    if (environment === undefined) return;
    const first = byEnvironment.get(environment);
    if (!first) byEnvironment.set(environment, { audience, index: i });
    else if (first.audience.toLowerCase() !== audience.toLowerCase())
      add(
        ['clusters', i, 'audience'],
        `clusters of environment "${environment}" share one app, but clusters[${first.index}] names ${first.audience}`,
        'Give them the same audience, or remove it and let `kentra entra setup` write it.',
      );
  });
}

function parseWebClient(
  raw: Raw,
  given: boolean,
  appName: string,
  clusterNames: readonly string[],
  add: (path: FieldPath, message: string, hint?: string) => void,
): WebClientSpec | undefined {
  if (!given) return undefined;
  const clusters = strings(raw.clusters) ?? [];
  clusters.forEach((name, i) => {
    if (!clusterNames.includes(name))
      add(
        ['app', 'web', 'clusters', i],
        `no cluster named "${name}" in clusters${didYouMeanSuffix(name, clusterNames)}`,
      );
  });
  const credential = (str(raw.credential) as WebClientSpec['credential'] | undefined) ?? 'none';
  const federated = raw.federatedCredential ? obj(raw.federatedCredential) : undefined;
  if (credential === 'federated' && !federated)
    add(
      ['app', 'web', 'federatedCredential'],
      'credential: federated needs a federatedCredential',
      'Add federatedCredential: {issuer: https://..., subject: ...} (the workload that will sign in).',
    );
  if (federated && credential !== 'federated')
    add(['app', 'web', 'credential'], 'a federatedCredential is given but credential is not "federated"');
  const clientId = str(raw.clientId);
  return {
    name: str(raw.name) ?? `${appName}-web`,
    ...(clientId ? { clientId } : {}),
    redirectUris: strings(raw.redirectUris) ?? [],
    clusters: [...new Set(clusters)],
    credential,
    federatedCredential: federated
      ? {
          name: str(federated.name) ?? 'kentra',
          issuer: str(federated.issuer) ?? '',
          subject: str(federated.subject) ?? '',
        }
      : undefined,
  };
}

function parseIdentity(
  raw: Raw,
  add: (path: FieldPath, message: string, hint?: string) => void,
  warnings: string[],
): IdentitySettings {
  const username = obj(raw.username);
  const groups = obj(raw.groups);
  const extra = obj(raw.extra);
  const identity: IdentitySettings = {
    username: {
      claim:
        (str(username.claim) as IdentitySettings['username']['claim'] | undefined) ??
        defaultIdentity.username.claim,
      prefix: str(username.prefix) ?? defaultIdentity.username.prefix,
    },
    groups: {
      claim: str(groups.claim) ?? defaultIdentity.groups.claim,
      prefix: str(groups.prefix) ?? defaultIdentity.groups.prefix,
    },
    extra: {
      keyDomain: str(extra.keyDomain) ?? defaultIdentity.extra.keyDomain,
      uti: (extra.uti as boolean | undefined) ?? defaultIdentity.extra.uti,
      sid: (extra.sid as boolean | undefined) ?? defaultIdentity.extra.sid,
    },
  };
  for (const [field, prefix] of [
    ['username', identity.username.prefix],
    ['groups', identity.groups.prefix],
  ] as const) {
    if (prefix.startsWith('system:'))
      add(
        ['identity', field, 'prefix'],
        '"system:" is reserved for Kubernetes itself',
        'Use a prefix such as "entra:".',
      );
  }
  if (/(^|\.)(k8s\.io|kubernetes\.io)$/.test(identity.extra.keyDomain))
    add(
      ['identity', 'extra', 'keyDomain'],
      `${identity.extra.keyDomain} is reserved by Kubernetes`,
      'Use a domain you own.',
    );
  if (identity.username.claim === 'upn' || identity.username.claim === 'preferred_username')
    warnings.push(
      `identity.username.claim: ${identity.username.claim} is mutable; a renamed user becomes a different Kubernetes user (oid never changes)`,
    );
  if (identity.username.claim === 'sub')
    warnings.push('identity.username.claim: sub differs per app registration; oid is the same for every app');
  return identity;
}

function parseRule(
  raw: Raw,
  index: number,
  clusterNames: readonly string[],
  add: (path: FieldPath, message: string, hint?: string) => void,
): AccessRule {
  const path = ['rules', index] as const;
  const clusterRole = str(raw.clusterRole);
  const role = str(raw.role);
  const namespaces = strings(raw.namespaces);
  const selector = raw.namespaceSelector ? obj(obj(raw.namespaceSelector).matchLabels) : undefined;
  if (clusterRole && role)
    add(
      [...path, 'role'],
      'give either role or clusterRole, not both',
      'A rule grants one role; write two rules for two.',
    );
  if (!clusterRole && !role)
    add(
      [...path],
      'names no role',
      'Add clusterRole: NAME (cluster-wide or in namespaces) or role: NAME (in namespaces).',
    );
  if (namespaces && selector)
    add([...path, 'namespaceSelector'], 'give either namespaces or namespaceSelector, not both');
  if (role && !namespaces && !selector)
    add(
      [...path, 'role'],
      'a Role lives in a namespace',
      'Add namespaces: [...] or namespaceSelector: {matchLabels: {...}}.',
    );
  (strings(raw.clusters) ?? []).forEach((name, i) => {
    if (!clusterNames.includes(name))
      add(
        [...path, 'clusters', i],
        `no cluster named "${name}" in clusters${didYouMeanSuffix(name, clusterNames)}`,
      );
  });
  const groupId = str(raw.groupId)?.toLowerCase();
  const group = str(raw.group) ?? '';
  if (groupId && isObjectId(group) && group.toLowerCase() !== groupId)
    add(
      [...path, 'groupId'],
      `the rule names group ${group} by object ID but pins ${groupId}`,
      'Remove groupId.',
    );
  let expires: number | undefined;
  if (typeof raw.expires === 'string') {
    expires = parseExpiry(raw.expires);
    if (Number.isNaN(expires)) add([...path, 'expires'], `"${raw.expires}" is not a valid date`);
  }
  const scope: RuleScope = namespaces
    ? { kind: 'namespaces', namespaces: [...new Set(namespaces)] }
    : selector
      ? { kind: 'selector', matchLabels: selector as Record<string, string> }
      : { kind: 'cluster' };
  return {
    index,
    group,
    ...(groupId ? { groupId } : {}),
    roleRef: role ? { kind: 'Role', name: role } : { kind: 'ClusterRole', name: clusterRole ?? '' },
    scope,
    clusters: strings(raw.clusters),
    expires,
    description: str(raw.description),
    ...(raw.jit === true ? { jit: true } : {}),
  };
}

/** The client-app allow-list: the listed IDs and the app's own, lower case; empty when none is given. */
function clientAppList(clientId: string | undefined, listed: string[] | undefined): string[] {
  if (!listed) return [];
  return [...new Set([...(clientId ? [clientId] : []), ...listed].map((id) => id.toLowerCase()))];
}
