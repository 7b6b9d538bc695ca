/**
 * The webhook's configuration file (YAML or JSON), checked against its JSON
 * Schema (config-schema.ts) by the one config checker: every problem at once,
 * each with the path to the bad field, and unknown fields are refused (a typo
 * must not silently switch a check off).
 *
 *   apiVersion: kentra.dev/v1alpha1
 *   kind: WebhookConfiguration
 *   accessFile: kentra.yaml             # tenant, app, mapping, policy: the file `kentra cluster config`
 *                                       # renders the structured authentication config from
 *   listen: {host: 0.0.0.0, port: 8443, healthPort: 8080}   # health, readiness, metrics: plain HTTP, no client cert
 *   tls: {certFile: tls.crt, keyFile: tls.key, clientCaFile: apiserver-client-ca.crt}
 *                                       # /authenticate requires the API server's client certificate;
 *                                       # `clientAuth: none` (instead of clientCaFile) serves anyone, with a warning
 *   entra:                              # each field defaults from the access file
 *     tenants: [<tenant id>]            # the tenant allow-list
 *     audiences: [<app client id>]
 *     allowedClientApps: [<client id>, ...]   # azp/appid allow-list; default: the access file's policy
 *     issuerVersions: [v2]              # v1 and/or v2
 *     loginBase: https://login.microsoftonline.com  # default: the authority's cloud (domain/entra/clouds.ts)
 *     stsBase: https://sts.windows.net
 *     caFile: extra-ca.pem              # for the emulator or a TLS-inspecting proxy
 *     clockSkewSeconds: 60              # at most 300
 *   live:                               # omit for token checks only (plain OIDC behaviour)
 *     graphBase: https://graph.microsoft.com
 *     graphAuth: client-secret          # | client-certificate | workload-identity | managed-identity
 *     clientId: <app id with User.Read.All + GroupMember.Read.All>   # or env AZURE_CLIENT_ID
 *     clientSecretFile: graph-secret    # or env AZURE_CLIENT_SECRET
 *     clientCertificateFile: graph.pem  # or env AZURE_CLIENT_CERTIFICATE_PATH (certificate + key)
 *     federatedTokenFile: /var/run/secrets/azure/tokens/azure-identity-token   # or AZURE_FEDERATED_TOKEN_FILE
 *     pollIntervalSeconds: 5
 *     maxStalenessSeconds: 60
 *     store:                            # omit: this process polls and holds the state alone
 *       urlFile: /etc/kentra/redis-url  # redis[s]://[user:password@]host:port[/db], from a Secret (or env
 *                                       # KENTRA_WEBHOOK_STORE_URL); one leader per tenant polls Graph
 *       leaseSeconds: 15                # a dead leader is replaced within this time
 *       snapshotSeconds: 60
 *   policy: {maxTokenAgeSeconds: 43200, allowedNetworks: [10.0.0.0/8]}   # on top of the access file's
 *   cache: {ttlSeconds: 60, maxEntries: 100000}
 *   log: {level: info}
 */

import { parse } from 'yaml';
import type { UnattendedGraphAuthMode } from '../adapters/entra/graph-auth-modes.js';
import { type AccessFile, isObjectId } from '../domain/access/model.js';
import { checkSchema } from '../domain/config-check/check.js';
import { invalidConfig, type ValidationIssue } from '../domain/config-check/issues.js';
import { defaultAuthority, graphFor } from '../domain/entra/clouds.js';
import { type IssuerVersion, issuerBasesFor } from '../domain/entra/issuers.js';
import { clusterAudiences } from '../domain/identity/from-access-file.js';
import type { KentraError } from '../errors.js';
import { webhookConfigSchema } from './config-schema.js';
import type { LogLevel } from './log.js';
import { blockListOf, type LivePolicySettings } from './policy.js';

export interface WebhookConfig {
  accessFile: string | undefined;
  /** `healthPort`: /healthz, /readyz and /metrics over plain HTTP for probes and scrapers (0: any free port). */
  listen: { host: string; port: number; healthPort?: number };
  tls:
    | {
        certFile: string;
        keyFile: string;
        clientCaFile?: string;
        /** `required` (the default) needs clientCaFile; `none` serves /authenticate to anyone (warned). */
        clientAuth: 'required' | 'none';
      }
    | undefined;
  entra: {
    tenants: string[];
    audiences: string[];
    /** Client apps whose tokens are accepted (azp/appid; an ID token's aud), lower case; empty: any. */
    allowedClientApps: string[];
    issuerVersions: IssuerVersion[];
    loginBase: string;
    stsBase: string;
    caFile?: string;
    clockSkewSeconds: number;
  };
  live:
    | {
        /** Without version, e.g. https://graph.microsoft.com */
        graphBase: string;
        /** How the webhook signs in to Graph (the shared Graph access; docs/graph-auth.md). */
        graphAuth: UnattendedGraphAuthMode;
        /** The app, or a user-assigned managed identity; else AZURE_CLIENT_ID. */
        clientId: string | undefined;
        clientSecretFile: string | undefined;
        clientCertificateFile: string | undefined;
        federatedTokenFile: string | undefined;
        pollIntervalSeconds: number;
        maxStalenessSeconds: number;
        /** Shared state in Redis; undefined: this process polls Graph and holds the state alone. */
        store?: StoreConfig;
      }
    | undefined;
  /** Rules only the live reviewer can enforce; the access file's policy applies on top. */
  policy: LivePolicySettings;
  cache: { ttlSeconds: number; maxEntries: number };
  limits: { maxBodyBytes: number; maxTokenLength: number };
  log: { level: LogLevel };
}

export interface StoreConfig {
  /** A file holding the Redis URL (a mounted Secret); else env KENTRA_WEBHOOK_STORE_URL. */
  urlFile: string | undefined;
  /** Key prefix; the tenant and the grant scope are appended. */
  keyPrefix: string;
  leaseSeconds: number;
  snapshotSeconds: number;
}

/** The file as written: what is left out is filled by resolveWebhookConfig (access file, then defaults). */
export type WebhookConfigDocument = Omit<WebhookConfig, 'entra' | 'live'> & {
  entra: Partial<WebhookConfig['entra']> & { clockSkewSeconds: number };
  live:
    | (Omit<NonNullable<WebhookConfig['live']>, 'graphBase'> & {
        graphBase?: string;
      })
    | undefined;
};

export const webhookConfigKind = { apiVersion: 'kentra.dev/v1alpha1', kind: 'WebhookConfiguration' } as const;

type Section = Record<string, unknown>;

/** Parses and validates a configuration document; `source` names the file in errors. */
export function parseWebhookConfig(text: string, source: string): WebhookConfigDocument {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw invalid(source, [
      {
        path: [],
        message: `is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : ''}`,
      },
    ]);
  }
  const issues = checkSchema(webhookConfigSchema, document);
  if (issues.length === 0) issues.push(...crossFieldIssues(document as Section));
  if (issues.length > 0) throw invalid(source, issues);
  return withDefaults(document as Section);
}

/**
 * What the schema cannot say: CIDR ranges that parse, staleness not below the poll interval, and a
 * client CA unless the file says `clientAuth: none` (secure by default: /authenticate only answers the
 * API server).
 */
function crossFieldIssues(root: Section): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tls = root.tls as Section | null | undefined;
  if (tls && tls.clientAuth !== 'none' && tls.clientCaFile === undefined)
    issues.push({
      path: ['tls', 'clientCaFile'],
      message: 'is required: /authenticate only answers the API server',
      hint:
        'Set tls.clientCaFile to the CA of the client certificate the API server presents (the file its ' +
        'webhook kubeconfig names under client-certificate), or, to serve anyone who can reach the port, ' +
        'say so with tls.clientAuth: none.',
    });
  const policy = (root.policy ?? {}) as Section;
  ((policy.allowedNetworks ?? []) as string[]).forEach((cidr, i) => {
    try {
      blockListOf([cidr]);
    } catch (error) {
      issues.push({ path: ['policy', 'allowedNetworks', i], message: (error as Error).message });
    }
  });
  const live = root.live as Section | null | undefined;
  if (live) {
    const poll = (live.pollIntervalSeconds as number | undefined) ?? defaultPollIntervalSeconds;
    const staleness = live.maxStalenessSeconds as number | undefined;
    if (staleness !== undefined && staleness < poll)
      issues.push({
        path: ['live', 'maxStalenessSeconds'],
        message: `must be at least the poll interval (${poll} seconds)`,
      });
  }
  return issues;
}

const defaultPollIntervalSeconds = 5;

/** A checked document with every default filled in; URLs lose a trailing slash. */
function withDefaults(root: Section): WebhookConfigDocument {
  const part = (key: string) => (root[key] ?? {}) as Section;
  const [listen, entra, policy, cache, limits, log] = [
    'listen',
    'entra',
    'policy',
    'cache',
    'limits',
    'log',
  ].map(part) as [Section, Section, Section, Section, Section, Section];
  const tls = root.tls as Section | null | undefined;
  const live = root.live as Section | null | undefined;
  const url = (value: unknown) => (typeof value === 'string' ? value.replace(/\/$/, '') : undefined);
  const text = (value: unknown) => value as string | undefined;
  return {
    accessFile: text(root.accessFile),
    listen: {
      host: text(listen.host) ?? '0.0.0.0',
      port: (listen.port as number | undefined) ?? 8443,
      ...(listen.healthPort === undefined ? {} : { healthPort: listen.healthPort as number }),
    },
    tls: tls
      ? {
          certFile: tls.certFile as string,
          keyFile: tls.keyFile as string,
          clientAuth: (tls.clientAuth as 'required' | 'none' | undefined) ?? 'required',
          ...(tls.clientCaFile === undefined ? {} : { clientCaFile: tls.clientCaFile as string }),
        }
      : undefined,
    entra: {
      tenants: entra.tenants as string[] | undefined,
      audiences: entra.audiences as string[] | undefined,
      allowedClientApps: entra.allowedClientApps as string[] | undefined,
      issuerVersions: entra.issuerVersions as IssuerVersion[] | undefined,
      loginBase: url(entra.loginBase),
      stsBase: url(entra.stsBase),
      caFile: text(entra.caFile),
      clockSkewSeconds: (entra.clockSkewSeconds as number | undefined) ?? 60,
    },
    live: live
      ? {
          graphBase: url(live.graphBase),
          graphAuth: (live.graphAuth as UnattendedGraphAuthMode | undefined) ?? 'client-secret',
          clientId: text(live.clientId),
          clientSecretFile: text(live.clientSecretFile),
          clientCertificateFile: text(live.clientCertificateFile),
          federatedTokenFile: text(live.federatedTokenFile),
          pollIntervalSeconds: (live.pollIntervalSeconds as number | undefined) ?? defaultPollIntervalSeconds,
          maxStalenessSeconds: (live.maxStalenessSeconds as number | undefined) ?? 60,
          ...(live.store ? { store: storeDefaults(live.store as Section) } : {}),
        }
      : undefined,
    policy: {
      maxTokenAgeSeconds: policy.maxTokenAgeSeconds as number | undefined,
      allowedNetworks: (policy.allowedNetworks as string[] | undefined) ?? [],
    },
    cache: {
      ttlSeconds: (cache.ttlSeconds as number | undefined) ?? 60,
      maxEntries: (cache.maxEntries as number | undefined) ?? 100_000,
    },
    limits: {
      maxBodyBytes: (limits.maxBodyBytes as number | undefined) ?? 64 * 1024,
      maxTokenLength: (limits.maxTokenLength as number | undefined) ?? 32 * 1024,
    },
    log: { level: (log.level as LogLevel | undefined) ?? 'info' },
  };
}

function storeDefaults(store: Section): StoreConfig {
  return {
    urlFile: store.urlFile as string | undefined,
    keyPrefix: (store.keyPrefix as string | undefined) ?? 'kentra:webhook',
    leaseSeconds: (store.leaseSeconds as number | undefined) ?? 15,
    snapshotSeconds: (store.snapshotSeconds as number | undefined) ?? 60,
  };
}

/**
 * Completes a configuration: explicit webhook settings first, then the access
 * file (tenant allow-list, audiences, token version, authority, Graph, CA,
 * maximum token age), then Entra's defaults. Errors name what is still missing.
 */
export function resolveWebhookConfig(
  document: WebhookConfigDocument,
  file: AccessFile | undefined,
  source: string,
): WebhookConfig {
  const e = document.entra;
  const authority = file?.tenant.authority ?? defaultAuthority;
  const tenants = e.tenants ?? (file ? [...file.policy.allowedTenants] : undefined);
  if (!tenants?.length)
    throw invalid(source, [
      { path: ['entra', 'tenants'], message: 'is required when no accessFile is given' },
    ]);
  // A cluster with its own audience (#14.7) is served by a webhook that accepts that audience only.
  if (
    !e.audiences &&
    file &&
    file.clusters.length > 1 &&
    file.clusters.some((cluster) => cluster.audience || cluster.environment)
  )
    throw invalid(source, [
      {
        path: ['entra', 'audiences'],
        message:
          'is required: the access file gives its clusters their own audiences, so name the one this webhook serves',
      },
    ]);
  const audiences =
    e.audiences ?? (file ? [...new Set(clusterAudiences(file, file.app.clientId, file.clusters[0]))] : []);
  if (audiences.length === 0)
    throw invalid(source, [
      { path: ['entra', 'audiences'], message: 'is required (or set app.clientId in the access file)' },
    ]);
  // The cloud's issuer hosts (sts.windows.net for v1 on the public cloud); the emulator serves both forms itself.
  const loginBase = e.loginBase ?? issuerBasesFor(authority).v2;
  const stsBase = e.stsBase ?? issuerBasesFor(loginBase).v1;
  const caFile = e.caFile ?? file?.tenant.certificateAuthorityFile;
  const live = document.live;
  return {
    ...document,
    entra: {
      tenants,
      audiences,
      allowedClientApps: e.allowedClientApps
        ? e.allowedClientApps.map((id) => id.toLowerCase())
        : ownClientApps(file?.policy.allowedClientApps ?? [], audiences),
      issuerVersions: e.issuerVersions ?? [file?.app.tokenVersion === 1 ? 'v1' : 'v2'],
      loginBase,
      stsBase,
      ...(caFile ? { caFile } : {}),
      clockSkewSeconds: e.clockSkewSeconds,
    },
    live: live && {
      ...live,
      graphBase: live.graphBase ?? file?.tenant.graph ?? graphFor(loginBase),
    },
    policy: {
      ...document.policy,
      maxTokenAgeSeconds: document.policy.maxTokenAgeSeconds ?? file?.policy.maxTokenAgeSeconds,
      allowedNetworks:
        document.policy.allowedNetworks.length > 0
          ? document.policy.allowedNetworks
          : (file?.policy.allowedNetworks ?? []),
    },
  };
}

/**
 * The access file's allow-list plus the client-ID audiences this webhook serves: an environment's
 * app signs its users in, and its ID tokens name it as their audience (domain/access/cluster-apps.ts).
 */
function ownClientApps(listed: readonly string[], audiences: readonly string[]): string[] {
  if (listed.length === 0) return [];
  return [...new Set([...listed, ...audiences.filter(isObjectId)].map((id) => id.toLowerCase()))];
}

function invalid(source: string, issues: readonly ValidationIssue[]): KentraError {
  return invalidConfig({
    code: 'config.invalid',
    source,
    issues,
    hint: 'See `kentra webhook --help` for an example configuration, or docs/webhook.md for every field.',
  });
}
