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
    // A connection torn while the body was read surfaces as a plain error from the fetch implementation.
    if (!(error instanceof KentraError)) return new GraphUnavailable(0, undefined, what);
    return error;
  };
  const whole = (answer: unknown, what: string): Record<string, unknown> => {
    // A truncated body parses to nothing: never treat it as an empty page.
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
      throw new GraphUnavailable(0, undefined, `${what} (an incomplete answer)`);
    return answer as Record<string, unknown>;
  };
  return {
    get: async (pathOrUrl) => {
      const path = relative(pathOrUrl);
      const what = path.split('?')[0] ?? path;
      let answer: unknown;
      try {
        answer = await client.get<unknown>(path);
      } catch (error) {
        throw unavailable(error, what);
      }
      return whole(answer, what);
    },
    post: async (path, body) => {
      let answer: unknown;
      try {
        answer = await client.post<unknown>(path, body);
      } catch (error) {
        throw unavailable(error, path);
      }
      return whole(answer, path);
    },
  };
}
