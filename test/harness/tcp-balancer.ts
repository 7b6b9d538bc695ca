/**
 * A loopback TCP balancer in front of several webhook replicas, as a
 * Kubernetes Service is in front of the Deployment's pods: each new
 * connection goes to the next backend that accepts it (round robin, skipping
 * dead ones). TLS passes through untouched, so the API server still verifies
 * the webhook's certificate and presents its own.
 */

import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpBalancer {
  readonly port: number;
  /** Backends by port; the list may change while running (a replica restarted on another port). */
  backends: number[];
  close(): Promise<void>;
}

export async function startTcpBalancer(backends: number[]): Promise<TcpBalancer> {
  let next = 0;
  const sockets = new Set<Socket>();
  const handle: { backends: number[] } = { backends };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const tryBackend = (attemptsLeft: number) => {
      const list = handle.backends;
      if (attemptsLeft === 0 || list.length === 0) return client.destroy();
      const port = list[next++ % list.length] as number;
      const upstream = createConnection({ host: '127.0.0.1', port });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      upstream.once('error', () => {
        // A replica that is down refuses the connection: the next one gets it.
        if (!connected) tryBackend(attemptsLeft - 1);
      });
    };
    tryBackend(handle.backends.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get backends() {
      return handle.backends;
    },
    set backends(list: number[]) {
      handle.backends = list;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
