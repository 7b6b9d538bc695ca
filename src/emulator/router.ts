/**
 * Request dispatch: maps a path to an endpoint name (for request counts and
 * faults) and a handler, applies injected faults, and turns every failure into
 * Entra's error shape — STS errors for login endpoints, Graph errors under
 * /v1.0 and /beta. A stack trace never reaches the client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAuthorize } from './authorize.js';
import type { EmulatorContext, Fault } from './context.js';
import { deviceLoginPath, handleDeviceCode, handleDeviceLogin } from './device-code.js';
import { instanceDiscovery, jwks, v1Discovery, v2Discovery } from './discovery.js';
import { GraphFailure, graphErrorBody, StsFailure, stsErrorBody } from './errors.js';
import { handleUserInfo } from './graph/userinfo.js';
import { type Exchange, exchangeOf, redirect, safeDecode, sendHtml, sendJson } from './http.js';
import { newGuid } from './ids.js';
import { handleLoginPost, sessionCookie } from './login.js';
import { errorPage } from './signin-page.js';
import { tenantScope } from './tenants.js';
import { handleToken } from './token-endpoint.js';

export type GraphHandler = (
  ctx: EmulatorContext,
  ex: Exchange,
  version: 'v1.0' | 'beta',
  path: string,
) => Promise<void>;

interface Route {
  name: string;
  pattern: RegExp;
  methods: string[];
  handle: (ctx: EmulatorContext, ex: Exchange, match: RegExpExecArray) => Promise<void> | void;
}

const tenant = '([^/]+)';

function segment(match: RegExpExecArray): string {
  return safeDecode(match[1] ?? '');
}

function routes(graph: GraphHandler | undefined): Route[] {
  return [
    {
      name: 'instance-discovery',
      pattern: /^\/common\/discovery\/instance$/,
      methods: ['GET'],
      handle: (ctx, ex) => sendJson(ex.res, 200, instanceDiscovery(ctx)),
    },
    {
      name: 'discovery',
      pattern: new RegExp(`^/${tenant}/(v2\\.0/)?\\.well-known/openid-configuration$`),
      methods: ['GET'],
      handle: (ctx, ex, m) => {
        const scope = tenantScope(ctx.directory, segment(m));
        const id = scope.tenant?.id ?? '{tenantid}';
        const doc = m[2] ? v2Discovery(ctx, scope.segment, id) : v1Discovery(ctx, scope.segment, id);
        sendJson(ex.res, 200, doc, {
          'cache-control': 'max-age=86400, private',
          'access-control-allow-origin': '*',
        });
      },
    },
    {
      name: 'jwks',
      pattern: new RegExp(`^/${tenant}/discovery/(v2\\.0/)?keys$`),
      methods: ['GET'],
      handle: (ctx, ex, m) => {
        tenantScope(ctx.directory, segment(m));
        sendJson(ex.res, 200, jwks(ctx, m[2] ? 2 : 1), { 'cache-control': 'max-age=86400, private' });
      },
    },
    {
      name: 'authorize',
      pattern: new RegExp(`^/${tenant}/oauth2/(v2\\.0/)?authorize$`),
      methods: ['GET', 'POST'],
      handle: (ctx, ex, m) => handleAuthorize(ctx, ex, tenantScope(ctx.directory, segment(m))),
    },
    {
      name: 'token',
      pattern: new RegExp(`^/${tenant}/oauth2/(v2\\.0/)?token$`),
      methods: ['POST'],
      handle: (ctx, ex, m) => handleToken(ctx, ex, tenantScope(ctx.directory, segment(m)), !m[2]),
    },
    {
      name: 'devicecode',
      pattern: new RegExp(`^/${tenant}/oauth2/(v2\\.0/)?devicecode$`),
      methods: ['POST'],
      handle: (ctx, ex, m) => handleDeviceCode(ctx, ex, tenantScope(ctx.directory, segment(m))),
    },
    {
      name: 'devicelogin',
      pattern: new RegExp(`^${deviceLoginPath}$`),
      methods: ['GET', 'POST'],
      handle: (ctx, ex) => handleDeviceLogin(ctx, ex),
    },
    {
      name: 'login',
      pattern: new RegExp(`^/${tenant}/login$`),
      methods: ['POST'],
      handle: (ctx, ex) => handleLoginPost(ctx, ex),
    },
    {
      name: 'logout',
      pattern: new RegExp(`^/${tenant}/oauth2/(v2\\.0/)?logout$`),
      methods: ['GET', 'POST'],
      handle: (_ctx, ex) => {
        const clear = `${sessionCookie}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0`;
        const next = ex.url.searchParams.get('post_logout_redirect_uri');
        if (next) return redirect(ex.res, next, { 'set-cookie': [clear] });
        sendHtml(ex.res, 200, errorPage('You signed out of your account.'), { 'set-cookie': [clear] });
      },
    },
    {
      name: 'graph',
      pattern: /^\/(v1\.0|beta)(\/.*)?$/,
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'],
      handle: (ctx, ex, m) => {
        if (!graph)
          throw new GraphFailure(404, 'Request_ResourceNotFound', 'Microsoft Graph is not enabled.');
        return graph(ctx, ex, m[1] === 'beta' ? 'beta' : 'v1.0', m[2] ?? '/');
      },
    },
    {
      name: 'userinfo',
      pattern: new RegExp(`^(?:/oidc|/${tenant}/openid)/userinfo$`),
      methods: ['GET', 'POST'],
      handle: (ctx, ex) => handleUserInfo(ctx, ex),
    },
    {
      name: 'error-page',
      pattern: /^\/error$/,
      methods: ['GET'],
      handle: (_ctx, ex) =>
        sendHtml(ex.res, 200, errorPage(`AADSTS${ex.url.searchParams.get('code') ?? ''}`)),
    },
  ];
}

/** Takes one use of the first fault that matches this endpoint or path. */
function takeFault(ctx: EmulatorContext, name: string, path: string, method: string): Fault | undefined {
  const index = ctx.faults.findIndex(
    (f) =>
      (f.match === name || (f.match.startsWith('/') && path.startsWith(f.match))) &&
      (f.method === undefined || f.method.toUpperCase() === method),
  );
  const fault = ctx.faults[index];
  if (!fault) return undefined;
  if (fault.times !== undefined) {
    fault.times -= 1;
    if (fault.times <= 0) ctx.faults.splice(index, 1);
  }
  return fault;
}

export function createRouter(
  ctx: () => EmulatorContext | undefined,
  options: {
    graph?: GraphHandler;
    onError?: (error: unknown) => void;
    /** One call per finished request: endpoint name, method, path (no query: it may carry hints), status. */
    onRequest?: (entry: {
      endpoint: string;
      method: string;
      path: string;
      status: number;
      ms: number;
    }) => void;
  },
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(options.graph);
  return (req, res) => {
    const context = ctx();
    if (!context) {
      // Between listen() and the context knowing its own port: a moment, and nothing to serve yet.
      res.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    let ex: Exchange;
    try {
      ex = exchangeOf(req, res, context.baseUrl);
    } catch {
      // A request target that is not a URL at all; nothing to route.
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
      return;
    }
    const route = table.find((r) => r.pattern.test(ex.url.pathname));
    const name = route?.name ?? 'unknown';
    context.requestCounts.set(name, (context.requestCounts.get(name) ?? 0) + 1);
    const byMethod = `${name} ${req.method ?? 'GET'}`;
    context.requestCounts.set(byMethod, (context.requestCounts.get(byMethod) ?? 0) + 1);
    const started = Date.now();
    res.once('finish', () =>
      options.onRequest?.({
        endpoint: name,
        method: ex.method,
        path: ex.url.pathname,
        status: res.statusCode,
        ms: Date.now() - started,
      }),
    );
    dispatch(context, ex, route, name).catch((error: unknown) => {
      // UserInfo lives on Graph in Entra, so its errors are Graph-shaped too.
      const isGraph = name === 'graph' || name === 'userinfo';
      if (!(error instanceof StsFailure) && !(error instanceof GraphFailure)) options.onError?.(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isGraph) {
        const failure =
          error instanceof GraphFailure
            ? error
            : new GraphFailure(500, 'generalException', 'The emulator failed to handle the request.');
        const requestId = newGuid();
        sendJson(
          res,
          failure.status,
          graphErrorBody(failure, {
            requestId,
            clientRequestId: headerOf(req, 'client-request-id'),
            now: context.now(),
          }),
          { ...failure.headers, 'request-id': requestId },
        );
        return;
      }
      const failure = error instanceof StsFailure ? error : new StsFailure(90000);
      sendJson(
        res,
        failure.status,
        stsErrorBody(failure, {
          correlationId: headerOf(req, 'client-request-id'),
          now: context.now(),
          baseUrl: context.baseUrl,
        }),
      );
    });
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function dispatch(
  ctx: EmulatorContext,
  ex: Exchange,
  route: Route | undefined,
  name: string,
): Promise<void> {
  const fault = takeFault(ctx, name, ex.url.pathname, ex.req.method ?? 'GET');
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault?.status) {
    const headers: Record<string, string> =
      fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    if (name === 'graph') {
      const code = fault.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable';
      const requestId = newGuid();
      sendJson(
        ex.res,
        fault.status,
        graphErrorBody(
          new GraphFailure(
            fault.status,
            code,
            fault.status === 429 ? 'Please retry again later.' : 'Service unavailable.',
          ),
          {
            requestId,
            clientRequestId: undefined,
            now: ctx.now(),
          },
        ),
        { ...headers, 'request-id': requestId },
      );
    } else {
      const failure = new StsFailure(90000, '', { error: 'temporarily_unavailable', status: fault.status });
      sendJson(
        ex.res,
        fault.status,
        stsErrorBody(failure, { correlationId: undefined, now: ctx.now(), baseUrl: ctx.baseUrl }),
        headers,
      );
    }
    return;
  }
  if (!route) throw new StsFailure(9002313, `No endpoint at ${ex.url.pathname}.`, { status: 404 });
  const match = route.pattern.exec(ex.url.pathname);
  if (!match) throw new StsFailure(9002313);
  if (!route.methods.includes(ex.method)) throw new StsFailure(900561, route.methods.join(' or '));
  // PIM activations that started or ended since the last request take effect before this one is answered.
  ctx.privilegedAccess.settle();
  await route.handle(ctx, ex, match);
}
