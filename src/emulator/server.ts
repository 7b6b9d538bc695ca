/**
 * Starts the emulator: HTTPS on loopback with a certificate from its own CA,
 * the directory from a seed (or the built-in demo tenant), signing keys from
 * the state folder, and the router. Used by `kentra emulator` and the test
 * harness alike.
 */
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KentraError } from '../errors.js';
import type { EmulatorContext } from './context.js';
import { createControl, type EmulatorControl } from './control.js';
import { defaultSeed } from './default-seed.js';
import { Directory } from './directory.js';
import { externalIssuers } from './external-issuers.js';
import { Grants } from './grants.js';
import { graphHandler } from './graph/handler.js';
import { GraphThrottle } from './graph/throttle.js';
import { SigningKeys } from './keys.js';
import { type ManagedIdentityEndpoint, startManagedIdentityEndpoint } from './managed-identity.js';
import { PrivilegedAccess } from './privileged-access.js';
import { createRouter } from './router.js';
import { ScheduleClock } from './schedule-clock.js';
import { tenantsFromSeed, tenantsFromSeedText } from './seed.js';
import { SignInLog } from './signin-log.js';
import { openCertificateAuthority, stateFiles } from './state-dir.js';

export interface EmulatorOptions {
  stateDir: string;
  /** 0 (default) lets the OS choose. */
  port?: number;
  /** Seed file contents (YAML); the built-in demo tenant when absent. */
  seed?: { text: string; source: string };
  now?: () => number;
  /** Access and ID token lifetime (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** Unexpected failures inside a request (the client gets an Entra-shaped 500). */
  onError?: (error: unknown) => void;
  /** CAs (PEM) to trust, besides the public roots, when reading the keys of a federated credential's issuer. */
  trustedCaPems?: readonly string[];
  /** Port of the plain-HTTP managed-identity endpoint on 127.0.0.1 (default 0: a free one). */
  managedIdentityPort?: number;
  /** Called once per finished request (for `kentra emulator --verbose`). */
  onRequest?: (entry: { endpoint: string; method: string; path: string; status: number; ms: number }) => void;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly context: EmulatorContext;
  readonly control: EmulatorControl;
  /** The managed-identity endpoint (IMDS and App Service contracts) on its own loopback port. */
  readonly managedIdentity: Pick<ManagedIdentityEndpoint, 'endpoint' | 'header' | 'imdsHost'>;
  close(): Promise<void>;
}

export async function startEmulatorServer(options: EmulatorOptions): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const tenants = options.seed
    ? tenantsFromSeedText(options.seed.text, options.seed.source)
    : tenantsFromSeed(defaultSeed(), 'built-in demo tenant');
  const ca = await openCertificateAuthority(options.stateDir);
  const serving = await ca.issue({
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost'],
    usage: 'server',
    days: 365,
  });
  const keys = await SigningKeys.open(options.stateDir, now);
  let context: EmulatorContext | undefined;
  const router = createRouter(() => context, {
    graph: graphHandler,
    onError: options.onError,
    onRequest: options.onRequest,
  });
  // The chain includes the CA so that a browser can pin it (Chromium's --ignore-certificate-errors-spki-list).
  const server = createServer(
    { cert: `${serving.certPem.trim()}\n${ca.certPem.trim()}\n`, key: serving.keyPem },
    router,
  );
  // Longer than common client idle timeouts, so a kept-alive socket is not closed under a request in flight.
  server.keepAliveTimeout = 65_000;
  server.listen(options.port ?? 0, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new KentraError(
      'io.write',
      `cannot listen on 127.0.0.1:${options.port ?? 0}${inUse ? ': the port is in use' : ''}`,
      {
        cause: error,
        hint: 'Pick another --port, or 0 for any free port.',
      },
    );
  }
  const managedIdentity = await startManagedIdentityEndpoint(
    () => context,
    options.managedIdentityPort,
  ).catch((error: unknown) => {
    server.close();
    throw new KentraError(
      'io.write',
      `cannot listen on 127.0.0.1:${options.managedIdentityPort ?? 0} for the managed-identity endpoint`,
      { cause: error, hint: 'Pick another --managed-identity-port, or 0 for any free port.' },
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  const directory = new Directory(tenants, now);
  context = {
    baseUrl: url,
    directory,
    keys,
    grants: new Grants(now),
    signIns: new SignInLog(),
    issuers: externalIssuers({ caPems: options.trustedCaPems ?? [], now }),
    now,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    requestCounts: new Map(),
    faults: [],
    graphThrottle: new GraphThrottle(now),
    privilegedAccess: new PrivilegedAccess(directory, new ScheduleClock(now)),
  };
  const ctx = context;
  return {
    url,
    caPem: ca.certPem,
    caFile: stateFiles(options.stateDir).caFile,
    context: ctx,
    control: createControl(ctx),
    managedIdentity: {
      endpoint: managedIdentity.endpoint,
      header: managedIdentity.header,
      imdsHost: managedIdentity.imdsHost,
    },
    close: async () => {
      await managedIdentity.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
