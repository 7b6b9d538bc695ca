/** Listening on a free 127.0.0.1 port and closing again, for the small test servers. */
import { once } from 'node:events';
import type { Server } from 'node:http';

/** Starts `server` on a free loopback port and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no port assigned');
  return address.port;
}

/** Closes `server`, dropping kept-alive connections, and waits until it is closed. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}
