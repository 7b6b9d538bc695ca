/**
 * The webhook's configuration file (YAML or JSON), checked field by field:
 * every error names the path to the bad field and what would be right, and
 * unknown fields are refused (a typo must not silently switch a check off).
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
 *     issuerVersions: [v2]              # v1 and/or v2
 *     loginBase: https://login.microsoftonline.com
 *     stsBase: https://sts.windows.net
 *     caFile: extra-ca.pem              # for the emulator or a TLS-inspecting proxy
 *     clockSkewSeconds: 60              # at most 300
 *   live:                               # omit for token checks only (plain OIDC behaviour)
 *     graphBase: https://graph.microsoft.com
 *     tokenEndpoint: https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token
 *     clientId: <app id with User.Read.All + GroupMember.Read.All>
 *     clientSecretFile: graph-secret    # or env KENTRA_WEBHOOK_CLIENT_SECRET
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
import type { AccessFile } from '../domain/access/model.js';
import { KentraError } from '../errors.js';
import { entraIssuerBases, type IssuerVersion } from './issuers.js';
import type { LogLevel } from './log.js';
import { blockListOf, type LivePolicySettings } from './policy.js';
import { maxClockSkewSeconds } from './token-validator.js';

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
        tokenEndpoint: string;
        clientId: string;
        clientSecretFile: string | undefined;
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
    | (Omit<NonNullable<WebhookConfig['live']>, 'graphBase' | 'tokenEndpoint'> & {
        graphBase?: string;
        tokenEndpoint?: string;
      })
    | undefined;
};

export const webhookConfigKind = { apiVersion: 'kentra.dev/v1alpha1', kind: 'WebhookConfiguration' } as const;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses and validates a configuration document; `source` names the file in errors. */
export function parseWebhookConfig(text: string, source: string): WebhookConfigDocument {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw invalid(
      source,
      '',
      `is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : ''}`,
    );
  }
  const r = new Reader(source);
  const root = r.object(document, '', [
    'apiVersion',
    'kind',
    'accessFile',
    'listen',
    'tls',
    'entra',
    'live',
    'policy',
    'cache',
    'limits',
    'log',
  ]);
  if (root.apiVersion !== webhookConfigKind.apiVersion)
    throw invalid(source, '.apiVersion', `must be ${webhookConfigKind.apiVersion}`);
  if (root.kind !== webhookConfigKind.kind)
    throw invalid(source, '.kind', `must be ${webhookConfigKind.kind}`);
  const optional = <T>(value: unknown, read: (v: unknown) => T): T | undefined =>
    value === undefined ? undefined : read(value);

  const listen = r.object(root.listen ?? {}, '.listen', ['host', 'port', 'healthPort']);
  const tls = optional(root.tls, (v) =>
    r.object(v, '.tls', ['certFile', 'keyFile', 'clientCaFile', 'clientAuth']),
  );
  const clientAuth = tls?.clientAuth ?? 'required';
  if (clientAuth !== 'required' && clientAuth !== 'none')
    throw invalid(source, '.tls.clientAuth', 'must be required or none');
  if (tls && clientAuth === 'required' && tls.clientCaFile === undefined)
    throw new KentraError(
      'config.invalid',
      `${source}: .tls.clientCaFile is required: /authenticate only answers the API server`,
      {
        hint:
          'Set tls.clientCaFile to the CA of the client certificate the API server presents (the file its ' +
          'webhook kubeconfig names under client-certificate), or, to serve anyone who can reach the port, ' +
          'say so with tls.clientAuth: none.',
        details: { source, path: '.tls.clientCaFile' },
      },
    );
  const entra = r.object(root.entra ?? {}, '.entra', [
    'tenants',
    'audiences',
    'issuerVersions',
    'loginBase',
    'stsBase',
    'caFile',
    'clockSkewSeconds',
  ]);
  const tenants = optional(entra.tenants, (v) => r.strings(v, '.entra.tenants', { nonEmpty: true }));
  tenants?.forEach((t, i) => {
    if (!guid.test(t))
      throw invalid(source, `.entra.tenants[${i}]`, 'must be a tenant id (GUID), not a domain name');
  });
  const issuerVersions = optional(entra.issuerVersions, (v) =>
    r.strings(v, '.entra.issuerVersions', { nonEmpty: true }),
  );
  issuerVersions?.forEach((v, i) => {
    if (v !== 'v1' && v !== 'v2') throw invalid(source, `.entra.issuerVersions[${i}]`, 'must be v1 or v2');
  });
  const live = optional(root.live, (v) =>
    r.object(v, '.live', [
      'graphBase',
      'tokenEndpoint',
      'clientId',
      'clientSecretFile',
      'pollIntervalSeconds',
      'maxStalenessSeconds',
      'store',
    ]),
  );
  const store = optional(live?.store, (v) =>
    r.object(v, '.live.store', ['urlFile', 'keyPrefix', 'leaseSeconds', 'snapshotSeconds']),
  );
  const policy = r.object(root.policy ?? {}, '.policy', ['maxTokenAgeSeconds', 'allowedNetworks']);
  const allowedNetworks = r.strings(policy.allowedNetworks ?? [], '.policy.allowedNetworks');
  allowedNetworks.forEach((cidr, i) => {
    try {
      blockListOf([cidr]);
    } catch (error) {
      throw invalid(source, `.policy.allowedNetworks[${i}]`, (error as Error).message);
    }
  });
  const cache = r.object(root.cache ?? {}, '.cache', ['ttlSeconds', 'maxEntries']);
  const limits = r.object(root.limits ?? {}, '.limits', ['maxBodyBytes', 'maxTokenLength']);
  const log = r.object(root.log ?? {}, '.log', ['level']);
  const level = r.string(log.level ?? 'info', '.log.level');
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw invalid(source, '.log.level', 'must be debug, info, warn or error');
  const pollIntervalSeconds = live
    ? r.number(live.pollIntervalSeconds ?? 5, '.live.pollIntervalSeconds', 0.1, 3600)
    : 0;

  return {
    accessFile: optional(root.accessFile, (v) => r.string(v, '.accessFile')),
    listen: {
      host: r.string(listen.host ?? '0.0.0.0', '.listen.host'),
      port: r.number(listen.port ?? 8443, '.listen.port', 0, 65535, true),
      healthPort: optional(listen.healthPort, (v) => r.number(v, '.listen.healthPort', 0, 65535, true)),
    },
    tls: tls && {
      certFile: r.string(tls.certFile, '.tls.certFile'),
      keyFile: r.string(tls.keyFile, '.tls.keyFile'),
      clientAuth,
      ...(tls.clientCaFile === undefined
        ? {}
        : { clientCaFile: r.string(tls.clientCaFile, '.tls.clientCaFile') }),
    },
    entra: {
      tenants,
      audiences: optional(entra.audiences, (v) => r.strings(v, '.entra.audiences', { nonEmpty: true })),
      issuerVersions: issuerVersions as IssuerVersion[] | undefined,
      loginBase: optional(entra.loginBase, (v) => r.url(v, '.entra.loginBase')),
      stsBase: optional(entra.stsBase, (v) => r.url(v, '.entra.stsBase')),
      caFile: optional(entra.caFile, (v) => r.string(v, '.entra.caFile')),
      clockSkewSeconds: r.number(
        entra.clockSkewSeconds ?? 60,
        '.entra.clockSkewSeconds',
        0,
        maxClockSkewSeconds,
      ),
    },
    live: live && {
      graphBase: optional(live.graphBase, (v) => r.url(v, '.live.graphBase')),
      tokenEndpoint: optional(live.tokenEndpoint, (v) => r.url(v, '.live.tokenEndpoint')),
      clientId: r.string(live.clientId, '.live.clientId'),
      clientSecretFile: optional(live.clientSecretFile, (v) => r.string(v, '.live.clientSecretFile')),
      pollIntervalSeconds,
      maxStalenessSeconds: r.number(
        live.maxStalenessSeconds ?? 60,
        '.live.maxStalenessSeconds',
        pollIntervalSeconds,
        86_400,
      ),
      store: store && {
        urlFile: optional(store.urlFile, (v) => r.string(v, '.live.store.urlFile')),
        keyPrefix: r.string(store.keyPrefix ?? 'kentra:webhook', '.live.store.keyPrefix'),
        leaseSeconds: r.number(store.leaseSeconds ?? 15, '.live.store.leaseSeconds', 1, 300),
        snapshotSeconds: r.number(store.snapshotSeconds ?? 60, '.live.store.snapshotSeconds', 1, 86_400),
      },
    },
    policy: {
      maxTokenAgeSeconds: optional(policy.maxTokenAgeSeconds, (v) =>
        r.number(v, '.policy.maxTokenAgeSeconds', 1, 31 * 86_400),
      ),
      allowedNetworks,
    },
    cache: {
      ttlSeconds: r.number(cache.ttlSeconds ?? 60, '.cache.ttlSeconds', 0, 3600),
      maxEntries: r.number(cache.maxEntries ?? 100_000, '.cache.maxEntries', 1, 10_000_000, true),
    },
    limits: {
      maxBodyBytes: r.number(
        limits.maxBodyBytes ?? 64 * 1024,
        '.limits.maxBodyBytes',
        1024,
        4 * 1024 * 1024,
        true,
      ),
      maxTokenLength: r.number(
        limits.maxTokenLength ?? 32 * 1024,
        '.limits.maxTokenLength',
        512,
        1024 * 1024,
        true,
      ),
    },
    log: { level: level as LogLevel },
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
  const authority = file?.tenant.authority ?? entraIssuerBases.v2;
  const tenants = e.tenants ?? (file ? [...file.policy.allowedTenants] : undefined);
  if (!tenants?.length) throw invalid(source, '.entra.tenants', 'is required when no accessFile is given');
  const audiences =
    e.audiences ??
    (file ? [...new Set([...(file.app.clientId ? [file.app.clientId] : []), ...file.app.audiences])] : []);
  if (audiences.length === 0)
    throw invalid(source, '.entra.audiences', 'is required (or set app.clientId in the access file)');
  const loginBase = e.loginBase ?? authority;
  // Entra's v1 issuer lives on sts.windows.net; any other authority (the emulator) serves both forms itself.
  const stsBase = e.stsBase ?? (loginBase === entraIssuerBases.v2 ? entraIssuerBases.v1 : loginBase);
  const caFile = e.caFile ?? file?.tenant.certificateAuthorityFile;
  const live = document.live;
  return {
    ...document,
    entra: {
      tenants,
      audiences,
      issuerVersions: e.issuerVersions ?? [file?.app.tokenVersion === 1 ? 'v1' : 'v2'],
      loginBase,
      stsBase,
      ...(caFile ? { caFile } : {}),
      clockSkewSeconds: e.clockSkewSeconds,
    },
    live: live && {
      ...live,
      graphBase: live.graphBase ?? file?.tenant.graph ?? 'https://graph.microsoft.com',
      tokenEndpoint: live.tokenEndpoint ?? `${loginBase}/${tenants[0]}/oauth2/v2.0/token`,
    },
    policy: {
      ...document.policy,
      maxTokenAgeSeconds: document.policy.maxTokenAgeSeconds ?? file?.policy.maxTokenAgeSeconds,
    },
  };
}

function invalid(source: string, path: string, message: string): KentraError {
  return new KentraError('config.invalid', `${source}: ${path || '(document)'} ${message}`, {
    hint: 'See `kentra webhook --help` for an example configuration, or docs/webhook.md for every field.',
    details: { source, path },
  });
}

/** Small typed readers that know the path they are reading, for precise errors. */
class Reader {
  constructor(private readonly source: string) {}

  object(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid(this.source, path, value === undefined ? 'is required' : 'must be a mapping');
    for (const key of Object.keys(value))
      if (!allowed.includes(key))
        throw invalid(this.source, `${path}.${key}`, `is not a known field (known: ${allowed.join(', ')})`);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value === '')
      throw invalid(this.source, path, value === undefined ? 'is required' : 'must be a non-empty string');
    return value;
  }

  url(value: unknown, path: string): string {
    const text = this.string(value, path);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid(this.source, path, `must be an https URL, got ${JSON.stringify(text)}`);
    }
    if (url.protocol !== 'https:') throw invalid(this.source, path, 'must use https');
    return text.replace(/\/$/, '');
  }

  strings(value: unknown, path: string, options: { nonEmpty?: boolean } = {}): string[] {
    if (!Array.isArray(value))
      throw invalid(this.source, path, value === undefined ? 'is required' : 'must be a list');
    if (options.nonEmpty && value.length === 0) throw invalid(this.source, path, 'must not be empty');
    return value.map((item, i) => this.string(item, `${path}[${i}]`));
  }

  number(value: unknown, path: string, min: number, max: number, integer = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw invalid(this.source, path, `must be ${integer ? 'an integer' : 'a number'}`);
    if (value < min || value > max) throw invalid(this.source, path, `must be between ${min} and ${max}`);
    return value;
  }
}
