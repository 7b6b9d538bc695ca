/**
 * The webhook's HTTPS front: `POST /authenticate` (TokenReview v1, the path in
 * the kubeconfig that `kentra cluster config --webhook` renders) and
 * `/debug/state` (counts only), both behind the API server's client
 * certificate unless the configuration says `tls.clientAuth: none`; and
 * `/metrics` (Prometheus text), `/healthz` (the process serves) and `/readyz`
 * (keys and live Entra state are usable), which probes and scrapers reach
 * without a client certificate on the plain-HTTP health port. Bodies are capped
 * before they are parsed, so a 1 MB token or a slow endless body costs nothing.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Log } from './log.js';
import type { WebhookMetrics } from './metrics.js';
import type { ReviewPipeline } from './review.js';
import { authenticatedResponse, deniedResponse, parseTokenReview } from './token-review.js';

export interface WebhookServerOptions {
  certPem: string;
  keyPem: string;
  /** When set, callers must present a client certificate signed by this CA (the API server's). */
  clientCaPem?: string;
  host: string;
  port: number;
  pipeline: Pick<ReviewPipeline, 'review'>;
  metrics: WebhookMetrics;
  log: Log;
  /** Why the webhook cannot answer reviews usefully yet, or undefined when ready. */
  notReady: () => string | undefined;
  /** Largest request body, in bytes (default 64 KiB; Entra tokens stay well under 16 KiB). */
  maxBodyBytes?: number;
  /** Plain-HTTP port for /healthz, /readyz and /metrics (0: any free one); undefined: none. */
  healthPort?: number;
  /** Counts for /debug/state (served only behind a client certificate). */
  debugState?: () => Record<string, number | string | boolean | null>;
}

export interface RunningWebhookServer {
  /** https://host:port */
  url: string;
  port: number;
  /** http://host:port of the health port, when there is one. */
  healthUrl: string | undefined;
  /** Stops accepting, lets in-flight reviews finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningWebhookServer> {
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const server: Server = createServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      ...(options.clientCaPem
        ? { ca: options.clientCaPem, requestCert: true, rejectUnauthorized: true }
        : {}),
      keepAliveTimeout: 60_000,
    },
    (req, res) => {
      void handle(req, res).catch((error: unknown) => {
        options.log('error', 'request.failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      });
    },
  );

  /** /healthz, /readyz, /metrics; true when the path was one of them. */
  function health(req: IncomingMessage, res: ServerResponse, path: string | undefined): boolean {
    if (req.method !== 'GET') return false;
    if (path === '/healthz') sendText(res, 200, 'ok\n');
    else if (path === '/readyz') {
      const reason = options.notReady();
      const open = options.clientCaPem
        ? ''
        : ' (warning: /authenticate does not require a client certificate: tls.clientAuth none)';
      sendText(res, reason ? 503 : 200, `${reason ? `not ready: ${reason}` : 'ok'}${open}\n`);
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(options.metrics.render());
    } else return false;
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (health(req, res, path)) return;
    if (req.method === 'GET' && path === '/debug/state') {
      // Counts only, and only to a caller with the API server's client certificate.
      if (!options.clientCaPem || !options.debugState)
        return send(res, 404, { error: '/debug/state needs tls.clientCaFile (client certificates)' });
      return send(res, 200, options.debugState());
    }
    if (path !== '/authenticate')
      return send(res, 404, { error: 'not found; TokenReviews go to POST /authenticate' });
    if (req.method !== 'POST') return send(res, 405, { error: 'TokenReviews are POSTed' });

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return tooLarge(req, res, maxBody);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody) return tooLarge(req, res, maxBody);
      chunks.push(chunk);
    }
    const parsed = parseTokenReview(Buffer.concat(chunks).toString('utf8'));
    if (!parsed.ok) {
      options.log('info', 'request.rejected', { reason: 'malformed_request', detail: parsed.reason });
      options.metrics.reviews.inc({ result: 'denied', reason: 'malformed_request' });
      return send(res, 400, { error: `malformed TokenReview: ${parsed.reason}` });
    }
    const { apiVersion, token } = parsed.review;
    const outcome = await options.pipeline.review(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    // No status.audiences in the answer: that means "the API server's own audiences" (implicit). The
    // token's own audience (the cluster's Entra app) was checked by the validator.
    res.end(
      outcome.authenticated
        ? authenticatedResponse(apiVersion, outcome.user, undefined)
        : deniedResponse(apiVersion, `kentra: ${outcome.reason}`),
    );
  }

  function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
    options.log('info', 'request.rejected', { reason: 'body_too_large', limitBytes: limit });
    options.metrics.reviews.inc({ result: 'denied', reason: 'body_too_large' });
    send(res, 413, { error: `request body larger than ${limit} bytes` });
    // Stop reading the rest; close the connection after answering.
    req.unpipe();
    res.once('finish', () => req.socket.destroy());
  }

  const healthServer =
    options.healthPort === undefined
      ? undefined
      : createHttpServer((req, res) => {
          if (!health(req, res, (req.url ?? '/').split('?')[0]))
            send(res, 404, { error: 'the health port serves /healthz, /readyz and /metrics' });
        });
  server.listen(options.port, options.host);
  healthServer?.listen(options.healthPort, options.host);
  await Promise.all([once(server, 'listening'), healthServer && once(healthServer, 'listening')]);
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `https://${host}:${port}`,
    port,
    healthUrl: healthServer && `http://${host}:${(healthServer.address() as AddressInfo).port}`,
    async close(graceMs = 10_000) {
      const closed = once(server, 'close');
      server.close();
      server.closeIdleConnections();
      healthServer?.close();
      healthServer?.closeAllConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(status >= 400 ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
