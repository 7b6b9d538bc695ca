/**
 * /auditLogs/signIns and /auditLogs/directoryAudits, newest first. v1.0
 * lists interactive user sign-ins; beta also lists non-interactive and
 * service-principal ones when the filter asks for them with
 * `signInEventTypes/any(t: t eq '...')` (reference §5.1).
 */
import { collection, parseFilter } from './odata.js';
import { readAuditLogs } from './permissions.js';
import type { GraphRoute } from './request.js';
import { respond } from './request.js';

function newestFirst<T extends Record<string, unknown>>(items: T[], field: string): T[] {
  return [...items].sort((a, b) => String(b[field]).localeCompare(String(a[field])));
}

export const auditLogRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/auditLogs\/signIns$/,
    permissions: readAuditLogs,
    handle: (req) => {
      const filter = req.query.get('$filter') ?? '';
      const mentionsEventTypes = /signInEventTypes\/any/i.test(filter);
      const rows = req.ctx.signIns.events
        .filter((s) => s.tenantId === req.tenant.id)
        .filter(
          (s) =>
            (req.version === 'beta' && mentionsEventTypes) || s.signInEventTypes.includes('interactiveUser'),
        )
        .map(({ tenantId: _tenant, ...row }) => row);
      const predicate = parseFilter(filter);
      respond(
        req,
        200,
        collection(req, 'auditLogs/signIns', newestFirst(rows.filter(predicate), 'createdDateTime'), {
          filter: false,
          pageSize: 1000,
        }),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/auditLogs\/directoryAudits$/,
    permissions: readAuditLogs,
    handle: (req) => {
      const rows = req.ctx.directory.audits
        .filter((a) => a.tenantId === req.tenant.id)
        .map(({ tenantId: _tenant, ...row }) => row);
      respond(
        req,
        200,
        collection(req, 'auditLogs/directoryAudits', newestFirst(rows, 'activityDateTime'), {
          pageSize: 1000,
        }),
      );
    },
  },
];
