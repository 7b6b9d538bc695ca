/**
 * The two Graph reads the live state makes — delta pages (whose next and delta
 * links are absolute URLs) and getMemberGroups — on top of the shared
 * GraphClient (src/adapters/graph/client.ts), which already honours
 * `Retry-After` on 429 and backs off on 503/504 (entra-protocol.md §4.3).
 * When it gives up, the failure surfaces as GraphUnavailable so the poller
 * backs off further and keeps answering from the state it has.
 */
import { type GraphClient, GraphRequestError } from '../adapters/graph/client.js';
import { KentraError } from '../errors.js';

export class GraphUnavailable extends Error {
  constructor(
    readonly status: number,
    /** Delay the server asked for, in ms; undefined when it gave none. */
    readonly retryAfterMs: number | undefined,
    what: string,
  ) {
    super(`Graph ${what}: ${status === 0 ? 'unreachable' : `HTTP ${status}`}`);
  }
}

export interface GraphReader {
  /** GET a Graph URL: absolute (an @odata.nextLink / deltaLink) or a path below the versioned base. */
  get(pathOrUrl: string): Promise<Record<string, unknown>>;
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
}

/** `versionedBase` is the client's base with its version, e.g. https://graph.microsoft.com/v1.0 */
export function graphReaderFrom(client: GraphClient, versionedBase: string): GraphReader {
  const base = versionedBase.replace(/\/+$/, '');
  const relative = (pathOrUrl: string) => {
    if (!/^https?:\/\//.test(pathOrUrl)) return pathOrUrl;
    if (!pathOrUrl.startsWith(`${base}/`))
      throw new Error(`Graph returned a link outside ${new URL(base).origin}; refusing to follow it`);
    return pathOrUrl.slice(base.length);
  };
  const unavailable = (error: unknown, what: string): unknown => {
    if (error instanceof GraphRequestError && [429, 503, 504].includes(error.status))
      return new GraphUnavailable(error.status, undefined, what);
    if (error instanceof KentraError && error.code === 'net.unreachable')
      return new GraphUnavailable(0, undefined, what);
    return error;
  };
  return {
    get: async (pathOrUrl) => {
      const path = relative(pathOrUrl);
      try {
        return await client.get<Record<string, unknown>>(path);
      } catch (error) {
        throw unavailable(error, path.split('?')[0] ?? path);
      }
    },
    post: async (path, body) => {
      try {
        return await client.post<Record<string, unknown>>(path, body);
      } catch (error) {
        throw unavailable(error, path);
      }
    },
  };
}
