/**
 * Connects `kentra entra setup|check` to Microsoft Graph as kentra.yaml says,
 * through the one Graph access (--graph-auth), and settles which tenant the
 * sign-in is for: it fills a placeholder tenant.id and refuses to change the
 * wrong directory.
 */

import { decodeJwt } from 'jose';
import type { Files } from '../adapters/files.js';
import type { FetchLike, GraphClient } from '../adapters/graph/client.js';
import { type GraphAuthSettings, openGraph } from '../adapters/graph/open-graph.js';
import { placeholderTenant } from '../domain/access/starter.js';
import { KentraError } from '../errors.js';
import type { LoadedAccessFile } from './load-access.js';

export interface EntraIo {
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  /** Progress and prompts (stderr). */
  progress: (line: string) => void;
  /** A person is at a terminal (`--graph-auth auto` may end in a device code). */
  interactive: boolean;
  files: Files;
  /** Tests inject these; the defaults are the real ones. */
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
}

export async function openTenantGraph(
  access: LoadedAccessFile,
  auth: GraphAuthSettings,
  io: EntraIo,
): Promise<{ graph: GraphClient; modes: string[]; tenantId: string }> {
  const { tenant } = access.file;
  const known = tenant.id === placeholderTenant ? undefined : tenant.id;
  const caPem = tenant.certificateAuthorityFile
    ? await io.files.readText(access.resolvePath(tenant.certificateAuthorityFile))
    : undefined;
  const opened = openGraph({
    auth,
    tenant,
    caPem,
    env: io.env,
    now: io.now,
    progress: io.progress,
    interactive: io.interactive,
    fetch: io.fetch,
    sleep: io.sleep,
  });
  if (!opened)
    throw new KentraError('entra.auth', 'no Microsoft Graph sign-in was found (--graph-auth auto)', {
      hint: 'Sign in with `az login`, or choose --graph-auth device-code, client-secret, ... (docs/graph-auth.md).',
    });
  // The tenant the token is for: fills a placeholder, and refuses to change the wrong directory.
  const tid = tenantOf(await opened.accessToken());
  if (known && tid && tid.toLowerCase() !== known.toLowerCase())
    throw new KentraError('entra.auth', `signed in to tenant ${tid}, but kentra.yaml names tenant ${known}`, {
      hint: 'Sign in to the tenant of kentra.yaml (e.g. `az login --tenant <tenant.id>`), or fix tenant.id.',
    });
  const tenantId = known ?? tid;
  if (!tenantId)
    throw new KentraError('entra.auth', 'cannot tell which tenant the Graph token is for', {
      hint: 'Write your tenant ID into tenant.id in kentra.yaml.',
    });
  return { graph: opened.client(), modes: opened.modes, tenantId };
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
