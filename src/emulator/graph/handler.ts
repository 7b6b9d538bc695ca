/**
 * Microsoft Graph on the emulator's origin: /v1.0/... and /beta/... with a
 * Graph access token (v1, `aud` https://graph.microsoft.com) checked on every
 * call, and permissions checked per route.
 */
import type { EmulatorContext } from '../context.js';
import { GraphFailure } from '../errors.js';
import type { Exchange } from '../http.js';
import { applicationRoutes } from './applications.js';
import { auditLogRoutes } from './audit-logs.js';
import { conditionalAccessRoutes } from './conditional-access.js';
import { deltaRoutes } from './delta.js';
import { federatedCredentialRoutes } from './federated-credentials.js';
import { groupRoutes } from './groups.js';
import { privilegedAccessGroupRoutes } from './privileged-access-groups.js';
import { authenticate, type GraphRequest, type GraphRoute, requirePermission } from './request.js';
import { roleManagementPolicyRoutes } from './role-management-policies.js';
import { servicePrincipalRoutes } from './service-principals.js';
import { userRoutes } from './users.js';

// Delta routes come first: /users/delta must not be read as the user "delta".
const routes: GraphRoute[] = [
  ...deltaRoutes,
  ...userRoutes,
  ...groupRoutes,
  ...applicationRoutes,
  ...federatedCredentialRoutes,
  ...servicePrincipalRoutes,
  ...auditLogRoutes,
  ...conditionalAccessRoutes,
  ...privilegedAccessGroupRoutes,
  ...roleManagementPolicyRoutes,
];

export async function graphHandler(
  ctx: EmulatorContext,
  ex: Exchange,
  version: 'v1.0' | 'beta',
  rawPath: string,
): Promise<void> {
  const path = decodedPath(rawPath).replace(/\/+$/, '') || '/';
  const candidates = routes.filter((r) => r.pattern.test(path));
  if (candidates.length === 0) {
    throw new GraphFailure(
      400,
      'BadRequest',
      `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`,
    );
  }
  const route = candidates.find((r) => r.method === ex.method);
  if (!route)
    throw new GraphFailure(405, 'Request_BadRequest', `The ${ex.method} method is not supported on ${path}.`);
  const { tenant, caller } = await authenticate(ctx, ex);
  ctx.graphThrottle.admit(tenant.id, caller.appId);
  const req: GraphRequest = { ctx, ex, version, path, query: ex.url.searchParams, tenant, caller };
  requirePermission(req, route.permissions);
  const match = route.pattern.exec(path);
  if (!match) throw new GraphFailure(400, 'BadRequest', 'Invalid path.');
  await route.handle(req, match);
}

/** decodeURI (reserved escapes such as %2F stay encoded; segments are decoded later), or 400 when malformed. */
function decodedPath(raw: string): string {
  try {
    return decodeURI(raw);
  } catch {
    throw new GraphFailure(400, 'BadRequest', 'The request path has a malformed percent-encoding.');
  }
}
