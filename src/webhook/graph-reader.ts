/**
 * The few Microsoft Graph reads the webhook makes (delta queries and
 * getMemberGroups), over the injected HttpFetch with an app-only bearer token.
 * Throttling (429 + Retry-After, fractional seconds allowed) and 503 surface as
 * GraphUnavailable with the server's requested delay, so the poller can back
 * off and keep answering from the state it has (entra-protocol.md §4.3).
 */
import type { HttpFetch } from './http-client.js';

export class GraphUnavailable extends Error {
  constructor(
    readonly status: number,
    /** Delay the server asked for, in ms; undefined when it gave none. */
    readonly retryAfterMs: number | undefined,
    what: string,
  ) {
    super(
      `Graph ${what}: HTTP ${status}${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
    );
  }
}

export class GraphFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    what: string,
  ) {
    super(`Graph ${what}: HTTP ${status}${code ? ` ${code}` : ''}`);
  }
}

export interface GraphReader {
  /** GET a Graph URL (absolute, such as an @odata.nextLink, or a path below the base). */
  get(pathOrUrl: string): Promise<Record<string, unknown>>;
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
}

export interface GraphReaderOptions {
  /** For example https://graph.microsoft.com/v1.0 */
  base: string;
  fetch: HttpFetch;
  /** An app-only access token for Graph (client credentials). */
  accessToken: () => Promise<string>;
  /** Called after every request with an operation name and its outcome, for metrics. */
  onRequest?: (operation: string, outcome: string) => void;
}

export function graphReader(options: GraphReaderOptions): GraphReader {
  const base = options.base.replace(/\/$/, '');
  const call = async (method: 'GET' | 'POST', pathOrUrl: string, body?: unknown) => {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
    const operation = operationName(url);
    const response = await options
      .fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${await options.accessToken()}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      .catch((error: unknown) => {
        options.onRequest?.(operation, 'network_error');
        throw new GraphUnavailable(
          0,
          undefined,
          `${operation} (${error instanceof Error ? error.message : 'network'})`,
        );
      });
    options.onRequest?.(operation, String(response.status));
    if (response.status === 429 || response.status === 503 || response.status === 504)
      throw new GraphUnavailable(response.status, retryAfterMs(response.headers['retry-after']), operation);
    if (response.status < 200 || response.status > 299)
      throw new GraphFailed(response.status, errorCode(response.body), operation);
    return JSON.parse(response.body) as Record<string, unknown>;
  };
  return { get: (pathOrUrl) => call('GET', pathOrUrl), post: (path, body) => call('POST', path, body) };
}

/** `Retry-After` in seconds (may be fractional, e.g. 2.128) or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function operationName(url: string): string {
  const path = new URL(url).pathname;
  if (path.endsWith('/users/delta')) return 'users.delta';
  if (path.endsWith('/groups/delta')) return 'groups.delta';
  if (path.endsWith('/getMemberGroups')) return 'getMemberGroups';
  return 'other';
}

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}
