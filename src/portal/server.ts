/**
 * The portal's listener: HTTPS with the given certificate (the only way its
 * Secure cookies make sense), or plain HTTP for a TLS-terminating proxy in
 * front. Bodies are capped in the routes; slow clients are cut off here.
 */
import { once } from 'node:events';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KentraError } from '../errors.js';

export interface PortalListener {
  /** https://host:port as bound (the port resolved when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

export async function listenPortal(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: { host: string; port: number; tls?: { certPem: string; keyPem: string } },
): Promise<PortalListener> {
  const serve = (req: IncomingMessage, res: ServerResponse) => void handler(req, res);
  const server = options.tls
    ? createHttps({ cert: options.tls.certPem, key: options.tls.keyPem }, serve)
    : createHttp(serve);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.listen(options.port, options.host);
  try {
    await once(server, 'listening');
  } catch (cause) {
    throw new KentraError('io.write', `cannot listen on ${options.host}:${options.port}`, {
      cause,
      hint: 'Pick another --listen address or port.',
    });
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
