/**
 * Connects `kentra entra setup|check` to Microsoft Graph as kentra.yaml says:
 * the Graph base URL and authority host (the emulator's in tests and demos),
 * the CA that signs them, and a credential from @azure/identity.
 */

import { decodeJwt } from 'jose';
import { createGraphCredential, type GraphAuthMode } from '../adapters/entra/graph-credential.js';
import type { Files } from '../adapters/files.js';
import { type FetchLike, GraphClient } from '../adapters/graph/client.js';
import { fetchTrusting } from '../adapters/http-fetch.js';
import { placeholderTenant } from '../domain/access/starter.js';
import { KentraError } from '../errors.js';
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
): Promise<{ graph: GraphClient; mode: string; tenantId: string }> {
  const { tenant } = access.file;
  const known = tenant.id === placeholderTenant ? undefined : tenant.id;
  const caPem = tenant.certificateAuthorityFile
    ? await io.files.readText(access.resolvePath(tenant.certificateAuthorityFile))
    : undefined;
  const credential = createGraphCredential({
    mode: auth.graphAuth,
    tenantId: known,
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
  // The tenant the token is for: fills a placeholder, and refuses to change the wrong directory.
  const tid = tenantOf(await credential.accessToken());
  if (known && tid && tid.toLowerCase() !== known.toLowerCase())
    throw new KentraError('entra.auth', `signed in to tenant ${tid}, but kentra.yaml names tenant ${known}`, {
      hint: 'Sign in to the tenant of kentra.yaml (e.g. `az login --tenant <tenant.id>`), or fix tenant.id.',
    });
  const tenantId = known ?? tid;
  if (!tenantId)
    throw new KentraError('entra.auth', 'cannot tell which tenant the Graph token is for', {
      hint: 'Write your tenant ID into tenant.id in kentra.yaml.',
    });
  return { graph, mode: credential.mode, tenantId };
}

/** The `tid` claim of a Graph access token (read, not verified: Graph verifies it). */
function tenantOf(token: string): string | undefined {
  try {
    const tid = decodeJwt(token).tid;
    return typeof tid === 'string' ? tid : undefined;
  } catch {
    return undefined;
  }
}
