/**
 * The one way into Microsoft Graph, for every command and the webhook: a
 * `--graph-auth` credential (src/adapters/entra/graph-credential.ts), one token
 * per scope for the whole process, and Graph clients for v1.0 and beta that
 * share it. Where Graph is, and which CA signs it, comes from the access file's
 * tenant (the emulator's in tests and demos); the tenant falls back to
 * AZURE_TENANT_ID and the authority to AZURE_AUTHORITY_HOST, as in @azure/identity.
 */

import { placeholderTenant } from '../../domain/access/starter.js';
import { defaultGraph, graphResourceFor } from '../../domain/entra/clouds.js';
import type { GraphAuthMode, ResolvedGraphAuthMode } from '../entra/graph-auth-modes.js';
import { createGraphCredential } from '../entra/graph-credential.js';
import { graphTokenSource } from '../entra/graph-token-source.js';
import { fetchTrusting } from '../http-fetch.js';
import { type FetchLike, GraphClient, type GraphClientOptions } from './client.js';

export interface GraphAuthSettings {
  mode: GraphAuthMode;
  /** Public client for device-code and browser sign-in (default: the Azure CLI's). */
  clientId?: string;
}

export interface OpenGraphOptions {
  auth: GraphAuthSettings;
  /** The access file's tenant: ID, authority host and Graph base URL (each optional). */
  tenant: { id?: string; authority?: string; graph?: string };
  /** PEM of the CA that signs the authority and Graph (the emulator's); the public roots otherwise. */
  caPem?: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  /** Progress and the device-code prompt (stderr). */
  progress: (line: string) => void;
  /** A person is at a terminal: `auto` may end in a device-code sign-in. */
  interactive: boolean;
  /** Tests inject these; the defaults are the real ones. */
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** The Graph client's retry budget (the webhook keeps it short). */
  retry?: Pick<GraphClientOptions, 'maxRetries' | 'maxDelayMs' | 'onRetry'>;
}

export interface GraphAccess {
  /** The modes tried, in order (one, unless `auto` ends in the Azure CLI then a device code). */
  readonly modes: ResolvedGraphAuthMode[];
  /** The Graph base URL without version. */
  readonly baseUrl: string;
  /** A client for a Graph version; every client shares the one token. */
  client(version?: 'v1.0' | 'beta'): GraphClient;
  accessToken(): Promise<string>;
}

/**
 * Graph access for the settings, or undefined when `--graph-auth auto` finds no credential here
 * (commands that can work without Graph then say what they could not check). Explicit modes
 * with missing inputs fail here, before any request.
 */
export function openGraph(options: OpenGraphOptions): GraphAccess | undefined {
  const { env, tenant } = options;
  const tenantId =
    (tenant.id && tenant.id !== placeholderTenant ? tenant.id : undefined) ?? env.AZURE_TENANT_ID;
  const baseUrl = (tenant.graph || defaultGraph).replace(/\/+$/, '');
  const opened = createGraphCredential({
    mode: options.auth.mode,
    tenantId,
    authorityHost: tenant.authority || env.AZURE_AUTHORITY_HOST || '',
    caPem: options.caPem,
    env,
    clientId: options.auth.clientId,
    prompt: options.progress,
    interactive: options.interactive,
  });
  if (!opened) return undefined;
  const token = graphTokenSource(opened.credential, opened.modes, options.now);
  const scope = graphScope(baseUrl);
  const accessToken = () => token(scope);
  const fetch =
    options.fetch ?? (options.caPem ? fetchTrusting(options.caPem) : (globalThis.fetch as FetchLike));
  const clients = new Map<string, GraphClient>();
  return {
    modes: opened.modes,
    baseUrl,
    accessToken,
    client(version = 'v1.0') {
      let client = clients.get(version);
      if (!client) {
        client = new GraphClient({
          baseUrl,
          version,
          fetch,
          accessToken,
          now: options.now,
          sleep: options.sleep,
          onRetry: ({ status, delayMs, path, attempt }) =>
            options.progress(
              `Graph answered ${status} for ${path}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)}s`,
            ),
          ...options.retry,
        });
        clients.set(version, client);
      }
      return client;
    },
  };
}

/** Graph's `.default` scope for a Graph base URL (its cloud's Graph resource; domain/entra/clouds.ts). */
export function graphScope(graphBaseUrl: string): string {
  return `${graphResourceFor(graphBaseUrl)}/.default`;
}
