/**
 * The webhook's configuration file (YAML or JSON), checked field by field:
 * every error names the path to the bad field and what would be right, and
 * unknown fields are refused (a typo must not silently switch a check off).
 *
 *   apiVersion: kentra.dev/v1alpha1
 *   kind: WebhookConfiguration
 *   listen: {host: 0.0.0.0, port: 8443}
 *   tls: {certFile: tls.crt, keyFile: tls.key, clientCaFile: apiserver-client-ca.crt}
 *   entra:
 *     tenants: [<tenant id>]            # the tenant allow-list
 *     audiences: [<app client id>]
 *     issuerVersions: [v2]              # v1 and/or v2
 *     loginBase: https://login.microsoftonline.com
 *     stsBase: https://sts.windows.net
 *     caFile: extra-ca.pem              # for the emulator or a TLS-inspecting proxy
 *     clockSkewSeconds: 60              # at most 300
 *   live:                               # omit for token checks only (plain OIDC behaviour)
 *     graphBase: https://graph.microsoft.com/v1.0
 *     clientId: <app id with User.Read.All + GroupMember.Read.All>
 *     clientSecretFile: graph-secret    # or env KENTRA_WEBHOOK_CLIENT_SECRET
 *     pollIntervalSeconds: 5
 *     maxStalenessSeconds: 60
 *   policy: {allowGuests: false, requiredAuthenticationContexts: [c1], maxTokenAgeSeconds: 43200,
 *            allowedNetworks: [10.0.0.0/8]}
 *   cache: {ttlSeconds: 60, maxEntries: 100000}
 *   log: {level: info}
 */
import { parse } from 'yaml';
import { KentraError } from '../errors.js';
import type { IssuerVersion } from './issuers.js';
import type { LogLevel } from './log.js';
import { blockListOf } from './policy.js';
import { maxClockSkewSeconds } from './token-validator.js';

export interface WebhookConfig {
  listen: { host: string; port: number };
  tls: { certFile: string; keyFile: string; clientCaFile?: string } | undefined;
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
        graphBase: string;
        tokenEndpoint: string | undefined;
        clientId: string;
        clientSecretFile: string | undefined;
        pollIntervalSeconds: number;
        maxStalenessSeconds: number;
      }
    | undefined;
  policy: {
    allowGuests: boolean;
    requiredAuthenticationContexts: string[];
    maxTokenAgeSeconds: number | undefined;
    allowedNetworks: string[];
  };
  cache: { ttlSeconds: number; maxEntries: number };
  limits: { maxBodyBytes: number; maxTokenLength: number };
  log: { level: LogLevel };
}

export const webhookConfigKind = { apiVersion: 'kentra.dev/v1alpha1', kind: 'WebhookConfiguration' } as const;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses and validates a configuration document; `source` names the file in errors. */
export function parseWebhookConfig(text: string, source: string): WebhookConfig {
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

  const listen = r.object(root.listen ?? {}, '.listen', ['host', 'port']);
  const tls =
    root.tls === undefined ? undefined : r.object(root.tls, '.tls', ['certFile', 'keyFile', 'clientCaFile']);
  const entra = r.object(root.entra, '.entra', [
    'tenants',
    'audiences',
    'issuerVersions',
    'loginBase',
    'stsBase',
    'caFile',
    'clockSkewSeconds',
  ]);
  const tenants = r.strings(entra.tenants, '.entra.tenants', { nonEmpty: true });
  tenants.forEach((t, i) => {
    if (!guid.test(t))
      throw invalid(source, `.entra.tenants[${i}]`, 'must be a tenant id (GUID), not a domain name');
  });
  const issuerVersions = r.strings(entra.issuerVersions ?? ['v2'], '.entra.issuerVersions', {
    nonEmpty: true,
  });
  issuerVersions.forEach((v, i) => {
    if (v !== 'v1' && v !== 'v2') throw invalid(source, `.entra.issuerVersions[${i}]`, 'must be v1 or v2');
  });
  const live =
    root.live === undefined
      ? undefined
      : r.object(root.live, '.live', [
          'graphBase',
          'tokenEndpoint',
          'clientId',
          'clientSecretFile',
          'pollIntervalSeconds',
          'maxStalenessSeconds',
        ]);
  const policy = r.object(root.policy ?? {}, '.policy', [
    'allowGuests',
    'requiredAuthenticationContexts',
    'maxTokenAgeSeconds',
    'allowedNetworks',
  ]);
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
  const config: WebhookConfig = {
    listen: {
      host: r.string(listen.host ?? '0.0.0.0', '.listen.host'),
      port: r.number(listen.port ?? 8443, '.listen.port', 0, 65535, true),
    },
    tls: tls && {
      certFile: r.string(tls.certFile, '.tls.certFile'),
      keyFile: r.string(tls.keyFile, '.tls.keyFile'),
      ...(tls.clientCaFile === undefined
        ? {}
        : { clientCaFile: r.string(tls.clientCaFile, '.tls.clientCaFile') }),
    },
    entra: {
      tenants,
      audiences: r.strings(entra.audiences, '.entra.audiences', { nonEmpty: true }),
      issuerVersions: issuerVersions as IssuerVersion[],
      loginBase: r.url(entra.loginBase ?? 'https://login.microsoftonline.com', '.entra.loginBase'),
      stsBase: r.url(entra.stsBase ?? 'https://sts.windows.net', '.entra.stsBase'),
      ...(entra.caFile === undefined ? {} : { caFile: r.string(entra.caFile, '.entra.caFile') }),
      clockSkewSeconds: r.number(
        entra.clockSkewSeconds ?? 60,
        '.entra.clockSkewSeconds',
        0,
        maxClockSkewSeconds,
      ),
    },
    live: live && {
      graphBase: r.url(live.graphBase ?? 'https://graph.microsoft.com/v1.0', '.live.graphBase'),
      tokenEndpoint:
        live.tokenEndpoint === undefined ? undefined : r.url(live.tokenEndpoint, '.live.tokenEndpoint'),
      clientId: r.string(live.clientId, '.live.clientId'),
      clientSecretFile:
        live.clientSecretFile === undefined
          ? undefined
          : r.string(live.clientSecretFile, '.live.clientSecretFile'),
      pollIntervalSeconds,
      maxStalenessSeconds: r.number(
        live.maxStalenessSeconds ?? 60,
        '.live.maxStalenessSeconds',
        pollIntervalSeconds,
        86_400,
      ),
    },
    policy: {
      allowGuests: r.boolean(policy.allowGuests ?? false, '.policy.allowGuests'),
      requiredAuthenticationContexts: r.strings(
        policy.requiredAuthenticationContexts ?? [],
        '.policy.requiredAuthenticationContexts',
      ),
      maxTokenAgeSeconds:
        policy.maxTokenAgeSeconds === undefined
          ? undefined
          : r.number(policy.maxTokenAgeSeconds, '.policy.maxTokenAgeSeconds', 1, 31 * 86_400),
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
  return config;
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

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') throw invalid(this.source, path, 'must be true or false');
    return value;
  }
}
