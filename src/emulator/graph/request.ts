/**
 * One Microsoft Graph call: the caller (from a verified Graph access token),
 * the tenant, the parsed body, and Graph's response conventions
 * (`@odata.context`, `request-id`, OData-Version).
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { EmulatorContext } from '../context.js';
import type { Actor } from '../directory.js';
import { GraphFailure } from '../errors.js';
import { type Exchange, safeDecode, sendJson } from '../http.js';
import { newGuid } from '../ids.js';
import { graphAppId, graphResource, type ServicePrincipal, type Tenant, type User } from '../model.js';
import { v1Issuer, v2Issuer } from '../tokens.js';
import { project } from './odata.js';

export type Caller =
  | {
      kind: 'user';
      user: User;
      appId: string;
      permissions: Set<string>;
      /** What the token proves about the sign-in: `amr` (v1 tokens) and `acrs` (authentication contexts). */
      amr: string[];
      acrs: string[];
    }
  | { kind: 'app'; sp: ServicePrincipal | undefined; appId: string; permissions: Set<string> };

export interface GraphRequest {
  ctx: EmulatorContext;
  ex: Exchange;
  version: 'v1.0' | 'beta';
  /** The path after /v1.0 or /beta, without a trailing slash. */
  path: string;
  query: URLSearchParams;
  tenant: Tenant;
  caller: Caller;
}

const graphAudiences = [graphResource, `${graphResource}/`, graphAppId];

/** Verifies the bearer token as Graph does: signature, issuer of a known tenant, Graph audience, lifetime. */
export async function authenticate(
  ctx: EmulatorContext,
  ex: Exchange,
): Promise<{ tenant: Tenant; caller: Caller }> {
  const header = ex.req.headers.authorization ?? '';
  if (!/^bearer\s+\S+/i.test(header)) {
    throw new GraphFailure(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  }
  const token = header.replace(/^bearer\s+/i, '');
  let payload: Record<string, unknown>;
  try {
    const keys = createLocalJWKSet(ctx.keys.jwks('') as Parameters<typeof createLocalJWKSet>[0]);
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: ['RS256'],
      audience: graphAudiences,
      clockTolerance: 60,
    }));
  } catch (error) {
    const expired = error instanceof Error && /exp/.test(error.message);
    throw new GraphFailure(
      401,
      'InvalidAuthenticationToken',
      expired
        ? 'Lifetime validation failed, the token is expired.'
        : 'Access token validation failure. Invalid audience or signature.',
    );
  }
  const tenant = ctx.directory.tenant(String(payload.tid ?? ''));
  const issuerOk =
    tenant &&
    [v1Issuer(ctx.baseUrl, tenant.id), v2Issuer(ctx.baseUrl, tenant.id)].includes(String(payload.iss));
  if (!tenant || !issuerOk)
    throw new GraphFailure(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid issuer.',
    );
  const appId = String(payload.appid ?? payload.azp ?? '');
  if (payload.idtyp === 'app') {
    const sp = ctx.directory.servicePrincipal(tenant, appId);
    return {
      tenant,
      caller: { kind: 'app', sp, appId, permissions: new Set((payload.roles as string[] | undefined) ?? []) },
    };
  }
  const user = tenant.users.get(String(payload.oid ?? ''));
  if (!user)
    throw new GraphFailure(401, 'InvalidAuthenticationToken', 'The user of this token does not exist.');
  const scopes = String(payload.scp ?? '')
    .split(' ')
    .filter(Boolean);
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return {
    tenant,
    caller: {
      kind: 'user',
      user,
      appId,
      permissions: new Set(scopes),
      amr: strings(payload.amr),
      acrs: strings(payload.acrs),
    },
  };
}

/** Any one of the permissions is enough (Graph's permission tables list alternatives). */
export function requirePermission(req: GraphRequest, anyOf: readonly string[]): void {
  if (anyOf.length === 0 || anyOf.some((p) => req.caller.permissions.has(p))) return;
  throw new GraphFailure(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
}

export function actorOf(req: GraphRequest): Actor {
  const { caller } = req;
  if (caller.kind === 'user') {
    return {
      kind: 'user',
      id: caller.user.id,
      displayName: caller.user.displayName,
      userPrincipalName: caller.user.userPrincipalName,
    };
  }
  return {
    kind: 'app',
    appId: caller.appId,
    displayName: caller.sp?.displayName ?? caller.appId,
    servicePrincipalId: caller.sp?.id ?? '',
  };
}

/** The JSON body as an object, or a Graph 400. */
export async function jsonBody(req: GraphRequest): Promise<Record<string, unknown>> {
  const text = await req.ex.text();
  try {
    const value = JSON.parse(text || '{}') as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new GraphFailure(
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

export function contextUrl(req: GraphRequest, fragment: string): string {
  return `https://graph.microsoft.com/${req.version}/$metadata#${fragment}`;
}

export function respond(req: GraphRequest, status: number, body?: unknown): void {
  const requestId = newGuid();
  const headers = {
    'request-id': requestId,
    'client-request-id': String(req.ex.req.headers['client-request-id'] ?? requestId),
    'odata-version': '4.0',
  };
  if (status === 204 || body === undefined) {
    req.ex.res.writeHead(status, headers);
    req.ex.res.end();
    return;
  }
  sendJson(req.ex.res, status, body, {
    ...headers,
    'content-type':
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  });
}

export function notFound(id: string): GraphFailure {
  return new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string): GraphFailure {
  return new GraphFailure(400, 'Request_BadRequest', message);
}

export interface GraphRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Matched against the path after the version; groups are the IDs in the path. */
  pattern: RegExp;
  /** Any one of these delegated scopes or application roles is required. */
  permissions: readonly string[];
  handle(req: GraphRequest, match: RegExpExecArray): Promise<void> | void;
}

/** Path parameter `index` of a match, URL-decoded. */
export function param(match: RegExpExecArray, index: number): string {
  return safeDecode(match[index] ?? '');
}

/** A single entity with its `@odata.context` (`users/$entity`, ...), projected by `$select`. */
export function entity(
  req: GraphRequest,
  set: string,
  json: Record<string, unknown>,
): Record<string, unknown> {
  return { '@odata.context': contextUrl(req, `${set}/$entity`), ...project(json, req.query.get('$select')) };
}
