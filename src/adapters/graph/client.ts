/**
 * A small Microsoft Graph client. The base URL is a setting, so the same code
 * talks to https://graph.microsoft.com and to the local emulator. It follows
 * `@odata.nextLink` paging verbatim and backs off on throttling (429) and
 * unavailability (503/504), honouring `Retry-After` (seconds, possibly
 * fractional, or an HTTP date), with the clock and sleep injected.
 * Sources: learn.microsoft.com/graph/paging, learn.microsoft.com/graph/throttling.
 */
import { KentraError } from '../../errors.js';

/** The part of the WHATWG fetch API the client uses; global fetch satisfies it. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com (no version). */
  baseUrl: string;
  /** API version segment; default v1.0. */
  version?: 'v1.0' | 'beta';
  fetch: FetchLike;
  /** Supplies a Graph access token per request (cached by the caller). */
  accessToken?: () => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Retries after a throttled or unavailable answer (default 5). */
  maxRetries?: number;
  /** Longest single wait (default 60 s). */
  maxDelayMs?: number;
  /** Told about each wait (progress on stderr). */
  onRetry?: (info: { status: number; delayMs: number; attempt: number; path: string }) => void;
}

export interface GraphRequest {
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

export class GraphRequestError extends KentraError {
  readonly status: number;
  readonly graphCode: string | undefined;

  constructor(method: string, path: string, status: number, body: GraphErrorBody | undefined) {
    const code = body?.error?.code;
    super(
      'graph.request',
      `Microsoft Graph ${method} ${path}: ${status}${code ? ` ${code}` : ''}${body?.error?.message ? `: ${body.error.message}` : ''}`,
      {
        hint: graphHint(status),
        details: { status, graphCode: code },
      },
    );
    this.status = status;
    this.graphCode = code;
  }
}

function graphHint(status: number): string | undefined {
  if (status === 401)
    return 'The Graph access token was refused: check the identity and tenant of --graph-auth (a KENTRA_GRAPH_TOKEN may have expired).';
  if (status === 403)
    return 'The token lacks permission: reading groups needs GroupMember.Read.All or Group.Read.All.';
  if (status === 429 || status === 503) return 'Microsoft Graph kept throttling; try again in a few minutes.';
  return undefined;
}

const retryable = new Set([429, 503, 504]);

export class GraphClient {
  private readonly base: string;
  private readonly options: GraphClientOptions;

  constructor(options: GraphClientOptions) {
    this.options = options;
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/${options.version ?? 'v1.0'}`;
  }

  get<T>(path: string, request: GraphRequest = {}): Promise<T> {
    return this.request<T>('GET', path, request);
  }

  post<T>(path: string, body: unknown, request: GraphRequest = {}): Promise<T> {
    return this.request<T>('POST', path, { ...request, body });
  }

  patch<T>(path: string, body: unknown, request: GraphRequest = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...request, body });
  }

  delete(path: string, request: GraphRequest = {}): Promise<void> {
    return this.request<void>('DELETE', path, request);
  }

  /** Every item of a collection, following `@odata.nextLink` until it is absent. */
  async list<T>(path: string, request: GraphRequest = {}): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages<T>(path, request)) items.push(...page);
    return items;
  }

  /** The pages of a collection one by one (stop early by breaking out). */
  async *pages<T>(path: string, request: GraphRequest = {}): AsyncGenerator<T[]> {
    let url: string | undefined = this.url(path, request.query);
    while (url) {
      // Headers such as ConsistencyLevel must be sent again on every page.
      const page = await this.send<unknown>('GET', url, request);
      const { value, '@odata.nextLink': next } = (isObject(page) ? page : {}) as Record<string, unknown>;
      if (!isObject(page) || (value !== undefined && !Array.isArray(value)))
        throw unexpectedAnswer(new URL(url).pathname, 'a collection page without a value list');
      if (value?.some((item) => !isObject(item)))
        throw unexpectedAnswer(new URL(url).pathname, 'a list item that is not an object');
      yield (value ?? []) as T[];
      // The next link carries the bearer token along: it must stay on Graph's own origin.
      if (next !== undefined && (typeof next !== 'string' || !sameOrigin(next, this.base)))
        throw unexpectedAnswer(new URL(url).pathname, 'a next link to another host');
      url = next;
    }
  }

  request<T>(method: string, path: string, request: GraphRequest = {}): Promise<T> {
    return this.send<T>(method, this.url(path, request.query), request);
  }

  private url(path: string, query: GraphRequest['query']): string {
    const url = new URL(this.base + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }

  private async send<T>(method: string, url: string, request: GraphRequest): Promise<T> {
    const { fetch, accessToken, maxRetries = 5 } = this.options;
    const path = new URL(url).pathname;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (accessToken) headers.authorization = `Bearer ${await accessToken()}`;
      let body: string | undefined;
      if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] = 'application/json';
      }
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await fetch(url, { method, headers, body });
      } catch (cause) {
        throw new KentraError('net.unreachable', `cannot reach Microsoft Graph at ${new URL(url).origin}`, {
          cause,
          hint: 'Check tenant.graph in kentra.yaml and the network.',
        });
      }
      const text = await response.text();
      if (retryable.has(response.status) && attempt < maxRetries) {
        const delayMs = this.retryDelay(response.headers.get('retry-after'), attempt);
        this.options.onRetry?.({ status: response.status, delayMs, attempt: attempt + 1, path });
        await (this.options.sleep ?? defaultSleep)(delayMs);
        continue;
      }
      const parsed = text === '' ? undefined : parseJson(text);
      if (response.status < 200 || response.status >= 300)
        throw new GraphRequestError(method, path, response.status, errorBody(parsed));
      // Every Graph answer with a body is a JSON object; anything else is not Graph speaking.
      if (text !== '' && !isObject(parsed))
        throw unexpectedAnswer(new URL(url).pathname, 'a body that is not a JSON object');
      return parsed as T;
    }
  }

  private retryDelay(header: string | null, attempt: number): number {
    const cap = this.options.maxDelayMs ?? 60_000;
    if (header) {
      const seconds = Number(header);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(cap, Math.ceil(seconds * 1000));
      const date = Date.parse(header);
      if (!Number.isNaN(date)) return Math.min(cap, Math.max(0, date - (this.options.now ?? Date.now)()));
    }
    // No Retry-After (Graph omits it for some services): exponential back-off from 1 s.
    return Math.min(cap, 1000 * 2 ** attempt);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameOrigin(link: string, base: string): boolean {
  return URL.canParse(link) && new URL(link).origin === new URL(base).origin;
}

/** Graph's error body, when it has the documented shape (anything else carries no code or message). */
function errorBody(parsed: unknown): GraphErrorBody | undefined {
  if (!isObject(parsed) || !isObject(parsed.error)) return undefined;
  const { code, message } = parsed.error;
  return {
    error: {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    },
  };
}

/** A Graph answer that is not the shape Graph documents, at `path` (no query: it may hold names). */
export function unexpectedAnswer(path: string, what: string): KentraError {
  return new KentraError('graph.request', `Microsoft Graph ${path} answered with ${what}`, {
    hint: 'Check tenant.graph in kentra.yaml: it must be Microsoft Graph (or the emulator), not a proxy that rewrites answers.',
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
