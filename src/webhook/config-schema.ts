/**
 * The JSON Schema of the webhook's configuration file. It drives the check in
 * config.ts (domain/config-check: every problem with its path) and is
 * published as schema/webhook-config.schema.json for editors; a unit test
 * keeps the two equal. Rules a schema cannot say (CIDR ranges that parse,
 * staleness not below the poll interval) are checked in config.ts.
 *
 * A section may be left empty in YAML (`policy:` with only comments under it
 * is null): null means "the defaults", so sections also accept null.
 */

import { unattendedGraphAuthModes } from '../adapters/entra/graph-auth-modes.js';
import type { JsonSchema } from '../domain/config-check/json-schema.js';
import { defaultAuthority } from '../domain/entra/clouds.js';
import { maxClockSkewSeconds } from './token-validator.js';

const https = '^https://[^\\s?#]+$';
const guid = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const section = ['object', 'null'] as const;

export const webhookConfigSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'kentra webhook configuration',
  description:
    'The TokenReview webhook `kentra webhook --config FILE` serves: listener, TLS, Entra token checks, live Graph state, policy, cache and limits. See docs/webhook.md.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { enum: ['kentra.dev/v1alpha1'] },
    kind: { enum: ['WebhookConfiguration'] },
    accessFile: {
      type: 'string',
      minLength: 1,
      description:
        'kentra.yaml: tenant, app, claim mapping and policy; the file `kentra cluster config` renders the structured authentication config from.',
    },
    listen: {
      type: section,
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, description: 'Address to listen on (default 0.0.0.0).' },
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Port (default 8443).' },
        healthPort: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          description:
            'Plain-HTTP port for /healthz, /readyz and /metrics (probes and scrapers have no client certificate); default none.',
        },
      },
    },
    tls: {
      type: section,
      additionalProperties: false,
      required: ['certFile', 'keyFile'],
      properties: {
        certFile: { type: 'string', minLength: 1, description: 'PEM certificate (chain) of the webhook.' },
        keyFile: { type: 'string', minLength: 1, description: 'PEM private key of the webhook.' },
        clientCaFile: {
          type: 'string',
          minLength: 1,
          description:
            'PEM CA of client certificates: only the API server may call /authenticate. Required unless clientAuth is none.',
        },
        clientAuth: {
          enum: ['required', 'none'],
          description:
            'required (default): callers of /authenticate present a certificate from clientCaFile; none: anyone who reaches the port may (warned at start, shown by /readyz).',
        },
      },
    },
    entra: {
      type: section,
      additionalProperties: false,
      description: 'Token checks; each field defaults from the access file.',
      properties: {
        tenants: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: guid, description: 'A tenant ID (GUID), not a domain name.' },
          description: 'The tenant allow-list.',
        },
        audiences: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        allowedClientApps: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: guid },
          description:
            "Client apps (client IDs) whose tokens are accepted: azp, else appid, else an ID token's aud. Default: the access file's policy.allowedClientApps; none: any.",
        },
        issuerVersions: {
          type: 'array',
          minItems: 1,
          items: { enum: ['v1', 'v2'] },
          description: 'Issuer forms accepted: v1 (sts.windows.net) and/or v2 (.../v2.0).',
        },
        loginBase: {
          type: 'string',
          pattern: https,
          description: `Sign-in host and v2 issuer base (default from the access file authority, else ${defaultAuthority}).`,
        },
        stsBase: {
          type: 'string',
          pattern: https,
          description: "Host of v1 issuers (default the cloud's v1 host, or loginBase for the emulator).",
        },
        caFile: {
          type: 'string',
          minLength: 1,
          description: 'Extra CA for the issuer (the emulator, a TLS-inspecting proxy).',
        },
        clockSkewSeconds: {
          type: 'number',
          minimum: 0,
          maximum: maxClockSkewSeconds,
          description: 'Allowed clock difference (default 60).',
        },
      },
    },
    live: {
      type: section,
      additionalProperties: false,
      description: 'Live Entra state from Graph (instant offboarding); omit for token checks only.',
      properties: {
        graphBase: {
          type: 'string',
          pattern: https,
          description: 'Graph base URL without version (default from the access file).',
        },
        graphAuth: {
          enum: [...unattendedGraphAuthModes],
          description:
            'How to sign in to Graph (default client-secret); tenant entra.tenants[0], authority entra.loginBase. See docs/graph-auth.md.',
        },
        clientId: {
          type: 'string',
          minLength: 1,
          description:
            'App (or user-assigned managed identity) with User.Read.All and GroupMember.Read.All application permissions (or env AZURE_CLIENT_ID).',
        },
        clientSecretFile: {
          type: 'string',
          minLength: 1,
          description: 'File with the client secret, for client-secret (or env AZURE_CLIENT_SECRET).',
        },
        clientCertificateFile: {
          type: 'string',
          minLength: 1,
          description:
            'PEM file with the certificate and its private key, for client-certificate (or env AZURE_CLIENT_CERTIFICATE_PATH).',
        },
        federatedTokenFile: {
          type: 'string',
          minLength: 1,
          description:
            'Token file a federated credential trusts, for workload-identity (or env AZURE_FEDERATED_TOKEN_FILE, as AKS injects it).',
        },
        pollIntervalSeconds: {
          type: 'number',
          minimum: 0.1,
          maximum: 3600,
          description: 'Time between Graph delta rounds (default 5).',
        },
        maxStalenessSeconds: {
          type: 'number',
          minimum: 0,
          maximum: 86400,
          description:
            'Older live state is not trusted: reviews are denied (default 60; not below the poll interval).',
        },
        store: {
          type: section,
          additionalProperties: false,
          description:
            'Shared state in Redis: one leader per tenant polls Graph and streams every change; every replica answers from memory. Omit to poll alone.',
          properties: {
            urlFile: {
              type: 'string',
              minLength: 1,
              description:
                'File (a mounted Secret) with the redis:// or rediss:// URL, password included; else env KENTRA_WEBHOOK_STORE_URL.',
            },
            keyPrefix: {
              type: 'string',
              minLength: 1,
              description:
                'Key prefix (default kentra:webhook); the tenant and the grant scope are appended.',
            },
            leaseSeconds: {
              type: 'number',
              minimum: 1,
              maximum: 300,
              description: 'Leader lease TTL: a dead leader is replaced within it (default 15).',
            },
            snapshotSeconds: {
              type: 'number',
              minimum: 1,
              maximum: 86400,
              description: 'How often the leader writes a snapshot when the state changed (default 60).',
            },
          },
        },
      },
    },
    policy: {
      type: section,
      additionalProperties: false,
      description: "Rules only the webhook can enforce, on top of the access file's policy.",
      properties: {
        maxTokenAgeSeconds: { type: 'number', minimum: 1, maximum: 2678400 },
        allowedNetworks: {
          type: 'array',
          items: { type: 'string', minLength: 1, description: 'An IPv4 or IPv6 CIDR range.' },
          description: 'Sign-in addresses (ipaddr claim) accepted.',
        },
      },
    },
    cache: {
      type: section,
      additionalProperties: false,
      properties: {
        ttlSeconds: {
          type: 'number',
          minimum: 0,
          maximum: 3600,
          description: 'Result cache TTL (default 60).',
        },
        maxEntries: { type: 'integer', minimum: 1, maximum: 10000000, description: 'Default 100000.' },
      },
    },
    limits: {
      type: section,
      additionalProperties: false,
      properties: {
        maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 4194304, description: 'Default 65536.' },
        maxTokenLength: { type: 'integer', minimum: 512, maximum: 1048576, description: 'Default 32768.' },
      },
    },
    log: {
      type: section,
      additionalProperties: false,
      properties: { level: { enum: ['debug', 'info', 'warn', 'error'], description: 'Default info.' } },
    },
  },
} as const satisfies JsonSchema;
