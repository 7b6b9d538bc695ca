/**
 * Connects `kentra entra setup|check` to Microsoft Graph as kentra.yaml says:
 * the Graph base URL and authority host (the emulator's in tests and demos),
 * the CA that signs them, and a credential from @azure/identity.
 */

import { createGraphCredential, type GraphAuthMode } from '../adapters/entra/graph-credential.js';
import type { Files } from '../adapters/files.js';
import { type FetchLike, GraphClient } from '../adapters/graph/client.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import type { LoadedAccessFile } from './load-access.js';

export interface EntraIo {
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  /** Progress and prompts (stderr). */
  progress: (line: string) => void;
  files: Files;
  /** Tests inject these; the defaults are the real ones. */
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
}

export interface GraphAuthOptions {
  graphAuth: GraphAuthMode;
  deviceCodeClientId?: string;
}

export async function connectGraph(
  access: LoadedAccessFile,
  auth: GraphAuthOptions,
  io: EntraIo,
): Promise<{ graph: GraphClient; mode: string }> {
  const { tenant } = access.file;
  const caPem = tenant.certificateAuthorityFile
    ? await io.files.readText(access.resolvePath(tenant.certificateAuthorityFile))
    : undefined;
  const credential = createGraphCredential({
    mode: auth.graphAuth,
    tenantId: tenant.id,
    authorityHost: tenant.authority,
    caPem,
    graphBaseUrl: tenant.graph,
    env: io.env,
    deviceCodeClientId: auth.deviceCodeClientId,
    prompt: io.progress,
    now: io.now,
  });
  const graph = new GraphClient({
    baseUrl: tenant.graph,
    fetch: io.fetch ?? (caPem ? fetchTrusting(caPem) : (globalThis.fetch as FetchLike)),
    accessToken: credential.accessToken,
    sleep: io.sleep,
    now: io.now,
    onRetry: ({ status, delayMs, path, attempt }) =>
      io.progress(
        `Graph answered ${status} for ${path}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)}s`,
      ),
  });
  return { graph, mode: credential.mode };
}
