/**
 * Opens Microsoft Graph for a command (base URL and CA from the access file,
 * token from the environment). The composition root (src/composition/root.ts)
 * calls it from its one graph factory and hands the client to the use cases.
 */
import type { TenantSpec } from '../domain/access/model.js';
import type { Files } from './files.js';
import { type FetchLike, GraphClient } from './graph/client.js';
import { fetchTrusting } from './http-fetch.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A Graph client when KENTRA_GRAPH_TOKEN is set (undefined otherwise: groups
 * named by object ID still work). `caFile` is the tenant's private CA (the
 * emulator's), already resolved against the access file's folder.
 */
export async function connectGraph(options: {
  tenant: TenantSpec;
  caFile?: string;
  env: Env;
  files: Pick<Files, 'readText'>;
  progress: (line: string) => void;
}): Promise<GraphClient | undefined> {
  const token = options.env.KENTRA_GRAPH_TOKEN;
  if (!token) return undefined;
  const fetch = options.caFile
    ? fetchTrusting(await options.files.readText(options.caFile))
    : (globalThis.fetch as FetchLike);
  return new GraphClient({
    baseUrl: options.tenant.graph,
    fetch,
    accessToken: async () => token,
    onRetry: ({ status, delayMs, path }) =>
      options.progress(`Graph answered ${status} for ${path}; retrying in ${(delayMs / 1000).toFixed(1)}s`),
  });
}
