/**
 * A tiny Graph-shaped HTTP server on 127.0.0.1 for the Graph client's tests: groups with
 * `$filter=displayName eq '...'`, `startswith(displayName,'..')`, `$top`
 * paging through `@odata.nextLink`, a bearer token check, and injected faults.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';

export interface FakeGroup {
  id: string;
  displayName: string;
}

export interface Fault {
  status: number;
  retryAfter?: string;
}

export interface GraphServer {
  /** http://127.0.0.1:PORT (the client adds /v1.0). */
  baseUrl: string;
  token: string;
  groups: FakeGroup[];
  /** Answered, in order, before any real answer. */
  faults: Fault[];
  /** Every request path with query, in order. */
  requests: string[];
  /** Headers of every request, in order. */
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

function odataValue(text: string): string {
  return text.replaceAll("''", "'");
}

export async function startGraphServer(options: {
  groups: FakeGroup[];
  pageSize?: number;
  startswith?: boolean;
}): Promise<GraphServer> {
  const state = {
    faults: [] as Fault[],
    requests: [] as string[],
    headers: [] as IncomingMessage['headers'][],
  };
  const token = 'test-graph-token';
  const pageSize = options.pageSize ?? 100;
  let baseUrl = '';
  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    state.requests.push(url.pathname + url.search);
    state.headers.push(req.headers);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fault = state.faults.shift();
    if (fault) {
      const code = fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable';
      return send(
        fault.status,
        { error: { code, message: 'Please retry again later.' } },
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    const byId = url.pathname.match(/^\/v1\.0\/groups\/([^/]+)$/);
    if (byId) {
      const group = options.groups.find((candidate) => candidate.id === decodeURIComponent(byId[1] ?? ''));
      return group
        ? send(200, group)
        : send(404, {
            error: { code: 'Request_ResourceNotFound', message: `Resource '${byId[1]}' does not exist.` },
          });
    }
    if (url.pathname !== '/v1.0/groups')
      return send(404, { error: { code: 'NotFound', message: 'no such path' } });
    const filter = url.searchParams.get('$filter');
    let matched = options.groups;
    if (filter) {
      const eq = filter.match(/^displayName eq '(.*)'$/);
      const starts = filter.match(/^startswith\(displayName,'(.*)'\)$/);
      if (eq)
        matched = matched.filter(
          (group) => group.displayName.toLowerCase() === odataValue(eq[1] ?? '').toLowerCase(),
        );
      else if (starts && options.startswith !== false)
        matched = matched.filter((group) =>
          group.displayName.toLowerCase().startsWith(odataValue(starts[1] ?? '').toLowerCase()),
        );
      else return send(400, { error: { code: 'Request_UnsupportedQuery', message: 'Unsupported query.' } });
    }
    const top = Math.min(Number(url.searchParams.get('$top') ?? pageSize), pageSize);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const page = matched.slice(skip, skip + top);
    const next = new URL(url);
    next.searchParams.set('$skiptoken', String(skip + top));
    send(200, {
      '@odata.context': `${baseUrl}/v1.0/$metadata#groups(id,displayName)`,
      value: page,
      ...(skip + top < matched.length ? { '@odata.nextLink': next.toString() } : {}),
    });
  };
  const server: Server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    baseUrl,
    token,
    groups: options.groups,
    get faults() {
      return state.faults;
    },
    requests: state.requests,
    headers: state.headers,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  } as GraphServer;
}
