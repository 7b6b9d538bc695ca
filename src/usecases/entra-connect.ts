/**
 * Connects `kentra entra setup|check` to Microsoft Graph through the one Graph
 * access (the composition root's, signed in as --graph-auth says), and settles
 * which tenant the sign-in is for: it fills a placeholder tenant.id and
 * refuses to change the wrong directory.
 */

import { decodeJwt } from 'jose';
import type { Files } from '../adapters/files.js';
import type { GraphClient } from '../adapters/graph/client.js';
import type { GraphAccess } from '../adapters/graph/open-graph.js';
import { placeholderTenant } from '../domain/access/starter.js';
import { KentraError } from '../errors.js';
import type { LoadedAccessFile } from './load-access.js';

export interface EntraIo {
  now: () => number;
  /** Progress and prompts (stderr). */
  progress: (line: string) => void;
  files: Files;
  /** Microsoft Graph for the access file's tenant; undefined when no sign-in was found. */
  openGraph: (access: LoadedAccessFile) => Promise<GraphAccess | undefined>;
  /** Tests inject it; the default is the real one. */
  sleep?: (ms: number) => Promise<void>;
}

export async function openTenantGraph(
  access: LoadedAccessFile,
  io: EntraIo,
): Promise<{ graph: GraphClient; modes: string[]; tenantId: string }> {
  const { tenant } = access.file;
  const known = tenant.id === placeholderTenant ? undefined : tenant.id;
  const opened = await io.openGraph(access);
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
