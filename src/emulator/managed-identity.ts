/**
 * The managed-identity endpoint: what an Azure host (VM, App Service, AKS pod)
 * serves to the code on it, so that code gets tokens without any secret. Plain
 * HTTP on 127.0.0.1, like Azure's own (169.254.169.254, or a loopback port on
 * App Service). One path, two contracts, chosen by the headers, as
 * @azure/identity's ManagedIdentityCredential (through msal-node) speaks them:
 *
 * - IMDS: `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R`
 *   with `Metadata: true`. Point a client at it with
 *   `AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:PORT` (msal-node
 *   appends the path; sources/Imds.ts).
 * - App Service: `GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=R` with
 *   `X-IDENTITY-HEADER: $IDENTITY_HEADER` (sources/AppService.ts).
 *
 * A user-assigned identity is chosen by `client_id` or `object_id` (the
 * service principal's ID); without one, the host's system-assigned identity
 * answers. The answer has the documented IMDS shape, all strings, with
 * `expires_on` in epoch seconds (msal-node ignores `expires_in`).
 * Source: learn.microsoft.com "How to use managed identities for Azure resources
 * on an Azure VM to acquire an access token"; @azure/msal-node 7.2
 * src/client/ManagedIdentitySources/.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext } from './context.js';
import { StsFailure } from './errors.js';
import { opaque } from './ids.js';
import { issueAppToken } from './issuance.js';
import type { Application, Tenant } from './model.js';
import { resolveScopes } from './scopes.js';

export const managedIdentityPath = '/metadata/identity/oauth2/token';

export interface ManagedIdentityEndpoint {
  /** IDENTITY_ENDPOINT (App Service contract). */
  readonly endpoint: string;
  /** IDENTITY_HEADER: the secret the App Service contract requires in X-IDENTITY-HEADER. */
  readonly header: string;
  /** AZURE_POD_IDENTITY_AUTHORITY_HOST (IMDS contract). */
  readonly imdsHost: string;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startManagedIdentityEndpoint(
  ctx: () => EmulatorContext | undefined,
  port = 0,
): Promise<ManagedIdentityEndpoint> {
  const header = opaque(24);
  const server: Server = createServer((req, res) => {
    const context = ctx();
    if (!context) {
      res.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    context.requestCounts.set('managed-identity', (context.requestCounts.get('managed-identity') ?? 0) + 1);
    answer(context, req, header).then(
      (body) => send(res, 200, body),
      (error: unknown) => {
        if (error instanceof Refusal)
          return send(res, error.status, { error: error.error, error_description: error.message });
        if (error instanceof StsFailure)
          return send(res, error.status, { error: error.error, error_description: error.aadsts });
        send(res, 500, { error: 'server_error', error_description: 'The emulator failed to answer.' });
      },
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: `${host}${managedIdentityPath}`,
    header,
    imdsHost: host,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function answer(ctx: EmulatorContext, req: IncomingMessage, secret: string): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // msal-node's IMDS source canonicalizes the URL with a trailing slash (UrlString in msal-common;
  // AZURE_POD_IDENTITY_AUTHORITY_HOST + the token path); IMDS answers both spellings.
  if (url.pathname.replace(/\/$/, '') !== managedIdentityPath)
    throw new Refusal(404, 'not_found', `No endpoint at ${url.pathname}.`);
  if (req.method !== 'GET') throw new Refusal(405, 'invalid_request', 'Only GET is supported.');
  const query = url.searchParams;
  const appService = req.headers['x-identity-header'] !== undefined;
  if (appService) {
    if (req.headers['x-identity-header'] !== secret)
      throw new Refusal(
        401,
        'unauthorized',
        'The X-IDENTITY-HEADER value is not this host’s IDENTITY_HEADER.',
      );
  } else if (req.headers.metadata !== 'true') {
    throw new Refusal(400, 'invalid_request', 'Required metadata header not specified');
  }
  const apiVersion = appService ? '2019-08-01' : '2018-02-01';
  if (query.get('api-version') !== apiVersion)
    throw new Refusal(400, 'invalid_request', `api-version must be ${apiVersion}.`);
  const resource = query.get('resource');
  if (!resource) throw new Refusal(400, 'invalid_request', 'Required query variable resource missing');
  if (query.has('msi_res_id') || query.has('mi_res_id'))
    throw new Refusal(
      400,
      'invalid_request',
      'The emulator selects identities by client_id or object_id only.',
    );
  const { tenant, identity } = findIdentity(ctx, query.get('client_id'), query.get('object_id'));
  const scopes = resolveScopes(ctx.directory, tenant, `${resource.replace(/\/+$/, '')}/.default`, {
    appOnly: true,
  });
  const token = await issueAppToken(ctx, {
    tenant,
    client: identity,
    scopes,
    credentialType: 'managedIdentity',
    meta: {
      ip: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      userAgent: req.headers['user-agent'] ?? '',
      correlationId: headerValue(req.headers['x-ms-client-request-id']),
    },
  });
  const now = Math.floor(ctx.now() / 1000);
  return {
    access_token: token.access_token,
    refresh_token: '',
    expires_in: String(token.expires_in),
    expires_on: String(now + token.expires_in),
    not_before: String(now),
    resource,
    token_type: 'Bearer',
    client_id: identity.appId,
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The identity a request names (user-assigned), or the host's system-assigned one. */
function findIdentity(
  ctx: EmulatorContext,
  clientId: string | null,
  objectId: string | null,
): { tenant: Tenant; identity: Application } {
  for (const tenant of ctx.directory.tenants) {
    for (const app of tenant.applications.values()) {
      if (!app.managedIdentity) continue;
      const matches = clientId
        ? app.appId === clientId.toLowerCase()
        : objectId
          ? ctx.directory.servicePrincipal(tenant, app.appId)?.id === objectId.toLowerCase()
          : app.managedIdentity === 'systemAssigned';
      if (matches) return { tenant, identity: app };
    }
  }
  throw new Refusal(
    400,
    'invalid_request',
    clientId || objectId
      ? 'Identity not found'
      : 'No system-assigned managed identity is enabled on this host.',
  );
}
