/**
 * /identityGovernance/privilegedAccess/group/...: eligibility and assignment
 * schedules and instances (list with a required groupId or principalId
 * filter, get, filterByCurrentUser), assignmentScheduleRequests (list, get,
 * create, cancel) and assignmentApprovals (get, decide a stage)
 * (v1.0 resources/privilegedidentitymanagement-for-groups-api-overview.md).
 * `$expand=group` / `$expand=principal` embed the objects.
 */
import { GraphFailure } from '../errors.js';
import type { Tenant, User } from '../model.js';
import type { AccessId, RequestAction } from '../pim-model.js';
import type { PimCaller, RequestInput } from '../privileged-access.js';
import { collection } from './odata.js';
import { readAssignments, readEligibility, writeAssignmentRequests } from './permissions.js';
import {
  type Assignment,
  approvalJson,
  assignmentInstanceJson,
  assignmentScheduleJson,
  eligibilityInstanceJson,
  eligibilityScheduleJson,
  requestJson,
} from './privileged-access-json.js';
import {
  badRequest,
  entity,
  type GraphRequest,
  type GraphRoute,
  jsonBody,
  param,
  requirePermission,
  respond,
} from './request.js';
import { directoryObjectJson, groupJson, type Json } from './serialize.js';

const base = '/identityGovernance/privilegedAccess/group';

type Kind =
  | 'eligibilitySchedules'
  | 'eligibilityScheduleInstances'
  | 'assignmentSchedules'
  | 'assignmentScheduleInstances'
  | 'assignmentScheduleRequests';

const kinds: Kind[] = [
  'eligibilitySchedules',
  'eligibilityScheduleInstances',
  'assignmentSchedules',
  'assignmentScheduleInstances',
  'assignmentScheduleRequests',
];

const permissionsOf = (kind: Kind) => (kind.startsWith('eligibility') ? readEligibility : readAssignments);

/** Memberships PIM lists for a group: activations in force or scheduled, and permanent members. */
function assignments(req: GraphRequest, groupIds: Iterable<string>): Assignment[] {
  const pim = req.tenant.privilegedAccess;
  const out: Assignment[] = [];
  for (const groupId of groupIds) {
    const group = req.tenant.groups.get(groupId);
    if (!group) continue;
    const activated = pim.activations.filter((a) => a.groupId === group.id);
    const byPim = new Set(activated.filter((a) => a.active).map((a) => a.principalId));
    for (const activation of activated) out.push({ kind: 'activated', activation });
    for (const member of group.members)
      if (!byPim.has(member)) out.push({ kind: 'assigned', group, principalId: member });
  }
  return out;
}

/** The `groupId eq '…'` / `principalId eq '…'` values of a filter (every clause is applied afterwards too). */
function filterValue(filter: string, property: 'groupId' | 'principalId'): string | undefined {
  return new RegExp(`\\b${property}\\s+eq\\s+'([^']+)'`, 'i').exec(filter)?.[1]?.toLowerCase();
}

/** Every item of a kind that the filter can select; schedules need a group or principal to scope them. */
function itemsOf(req: GraphRequest, kind: Kind, scope: { groupId?: string; principalId?: string }): Json[] {
  const pim = req.tenant.privilegedAccess;
  const matches = (item: { groupId: string; principalId: string }) =>
    (!scope.groupId || item.groupId === scope.groupId) &&
    (!scope.principalId || item.principalId === scope.principalId);
  switch (kind) {
    case 'eligibilitySchedules':
      return pim.eligibility.filter(matches).map(eligibilityScheduleJson);
    case 'eligibilityScheduleInstances': {
      const now = req.ctx.privilegedAccess.clock.now();
      return pim.eligibility
        .filter(matches)
        .filter((e) => e.endDateTime === null || Date.parse(e.endDateTime) > now)
        .map(eligibilityInstanceJson);
    }
    case 'assignmentSchedules':
    case 'assignmentScheduleInstances': {
      const groupIds = scope.groupId
        ? [scope.groupId]
        : [
            ...req.ctx.directory.directGroupIds(req.tenant, scope.principalId ?? ''),
            ...pim.activations.filter(matches).map((a) => a.groupId),
          ];
      const found = assignments(req, new Set(groupIds)).filter((a) =>
        matches(a.kind === 'activated' ? a.activation : { groupId: a.group.id, principalId: a.principalId }),
      );
      return kind === 'assignmentSchedules'
        ? found.map(assignmentScheduleJson)
        : found.filter((a) => a.kind === 'assigned' || a.activation.active).map(assignmentInstanceJson);
    }
    case 'assignmentScheduleRequests':
      return pim.requests.filter(matches).map(requestJson);
  }
}

/** `$expand=group,principal`: the group and principal objects inline. */
function expanded(req: GraphRequest, items: Json[]): Json[] {
  const expand = (req.query.get('$expand') ?? '').split(',').map((s) => s.trim());
  if (!expand.includes('group') && !expand.includes('principal')) return items;
  return items.map((item) => {
    const group = req.tenant.groups.get(String(item.groupId));
    return {
      ...item,
      ...(expand.includes('group') && group ? { group: groupJson(group) } : {}),
      ...(expand.includes('principal')
        ? { principal: directoryObjectJson(req.tenant, String(item.principalId)) ?? null }
        : {}),
    };
  });
}

function list(req: GraphRequest, kind: Kind, items: Json[]): void {
  respond(
    req,
    200,
    collection(req, `identityGovernance/privilegedAccess/group/${kind}`, expanded(req, items)),
  );
}

function signedInUser(req: GraphRequest, what: string): User {
  if (req.caller.kind !== 'user')
    throw badRequest(`${what} is only valid with delegated authentication flow.`);
  return req.caller.user;
}

function pimCaller(req: GraphRequest): PimCaller {
  if (req.caller.kind !== 'user')
    throw badRequest('A self-service request is only valid with delegated authentication flow.');
  return { user: req.caller.user, amr: req.caller.amr, acrs: req.caller.acrs };
}

/** Pending requests this user may decide on (filterByCurrentUser(on='approver')). */
function awaitingApprover(req: GraphRequest, user: User): Json[] {
  const pim = req.tenant.privilegedAccess;
  const engine = req.ctx.privilegedAccess;
  return pim.requests
    .filter((r) => r.status === 'PendingApproval' && r.principalId !== user.id)
    .filter((r) => {
      const policy = pim.policies.get(r.groupId);
      return policy !== undefined && engine.isApprover(req.tenant, policy, user.id);
    })
    .map(requestJson);
}

const actions: RequestAction[] = [
  'adminAssign',
  'adminUpdate',
  'adminRemove',
  'selfActivate',
  'selfDeactivate',
  'adminExtend',
  'adminRenew',
];
const expirationTypes = ['afterDuration', 'afterDateTime', 'noExpiration', 'notSpecified'] as const;

/** An enum value compared as Graph does, case-insensitively (`"AfterDuration"` is accepted). */
function enumOf<T extends string>(value: unknown, options: readonly T[], name: string): T {
  const found = options.find((o) => typeof value === 'string' && o.toLowerCase() === value.toLowerCase());
  if (!found) throw badRequest(`'${name}' must be one of ${options.join(', ')}.`);
  return found;
}

function text(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`'${name}' must be a string.`);
  return value;
}

function object(value: unknown, name: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`'${name}' must be an object.`);
  return value as Json;
}

/** The body of POST assignmentScheduleRequests, checked field by field. */
function requestInput(body: Json): RequestInput {
  for (const name of ['accessId', 'principalId', 'groupId', 'action'])
    if (typeof body[name] !== 'string' || body[name] === '')
      throw badRequest(`Property '${name}' is required.`);
  const schedule = object(body.scheduleInfo, 'scheduleInfo');
  const expiration = object(schedule.expiration, 'scheduleInfo.expiration');
  const start = text(schedule.startDateTime, 'scheduleInfo.startDateTime');
  if (start !== null && Number.isNaN(Date.parse(start)))
    throw badRequest("'scheduleInfo.startDateTime' is not a date and time.");
  const ticket = object(body.ticketInfo, 'ticketInfo');
  if (body.isValidationOnly !== undefined && typeof body.isValidationOnly !== 'boolean')
    throw badRequest("'isValidationOnly' must be true or false.");
  return {
    action: enumOf(body.action, actions, 'action'),
    accessId: enumOf(body.accessId, ['member', 'owner'] as const satisfies readonly AccessId[], 'accessId'),
    principalId: String(body.principalId).toLowerCase(),
    groupId: String(body.groupId).toLowerCase(),
    justification: text(body.justification, 'justification'),
    ticketInfo: {
      ticketNumber: text(ticket.ticketNumber, 'ticketInfo.ticketNumber'),
      ticketSystem: text(ticket.ticketSystem, 'ticketInfo.ticketSystem'),
    },
    startMs: start === null ? undefined : Date.parse(start),
    expiration: {
      type:
        expiration.type === undefined
          ? 'notSpecified'
          : enumOf(expiration.type, expirationTypes, 'scheduleInfo.expiration.type'),
      duration: text(expiration.duration, 'scheduleInfo.expiration.duration'),
      endDateTime: text(expiration.endDateTime, 'scheduleInfo.expiration.endDateTime'),
    },
    isValidationOnly: body.isValidationOnly === true,
  };
}

function approvalOf(tenant: Tenant, id: string) {
  const approval = tenant.privilegedAccess.approvals.get(id);
  if (!approval) throw new GraphFailure(404, 'ResourceNotFound', `The approval '${id}' was not found.`);
  return approval;
}

const kindPattern = `(${kinds.join('|')})`;

export const privilegedAccessGroupRoutes: GraphRoute[] = [
  // filterByCurrentUser first: its segment would otherwise be read as an ID.
  ...kinds.map(
    (kind): GraphRoute => ({
      method: 'GET',
      pattern: new RegExp(`^${base}/${kind}/filterByCurrentUser\\(on='(\\w+)'\\)$`),
      permissions: permissionsOf(kind),
      handle: (req, m) => {
        const user = signedInUser(req, 'filterByCurrentUser');
        const on = param(m, 1);
        if (kind === 'assignmentScheduleRequests' && on === 'approver')
          return list(req, kind, awaitingApprover(req, user));
        if (kind === 'assignmentScheduleRequests' && on === 'createdBy')
          return list(
            req,
            kind,
            req.tenant.privilegedAccess.requests.filter((r) => r.createdBy.id === user.id).map(requestJson),
          );
        if (on !== 'principal') throw badRequest(`filterByCurrentUser does not support on='${on}' here.`);
        list(req, kind, itemsOf(req, kind, { principalId: user.id }));
      },
    }),
  ),
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/${kindPattern}$`),
    permissions: [...readEligibility, ...readAssignments],
    handle: (req, m) => {
      const kind = m[1] as Kind;
      // One route serves both families: each needs its own permission.
      requirePermission(req, permissionsOf(kind));
      const filter = req.query.get('$filter') ?? '';
      const scope = {
        groupId: filterValue(filter, 'groupId'),
        principalId: filterValue(filter, 'principalId'),
      };
      // The list APIs require a filter on groupId or principalId (v1.0 api/privilegedaccessgroup-list-*.md).
      if (!scope.groupId && !scope.principalId)
        throw badRequest(`A $filter on groupId or principalId is required to list ${kind}.`);
      list(req, kind, itemsOf(req, kind, scope));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/${kindPattern}/([^/]+)$`),
    permissions: [...readEligibility, ...readAssignments],
    handle: (req, m) => {
      const kind = m[1] as Kind;
      // One route serves both families: each needs its own permission.
      requirePermission(req, permissionsOf(kind));
      const id = param(m, 2);
      const pim = req.tenant.privilegedAccess;
      const scope = kind === 'assignmentScheduleRequests' ? {} : { groupId: id.split('_')[0]?.toLowerCase() };
      const candidates =
        kind === 'assignmentScheduleRequests'
          ? pim.requests.filter((r) => r.id === id).map(requestJson)
          : itemsOf(req, kind, scope).filter((item) => item.id === id);
      const found = expanded(req, candidates)[0];
      if (!found) throw new GraphFailure(404, 'ResourceNotFound', `The resource '${id}' was not found.`);
      respond(req, 200, entity(req, `identityGovernance/privilegedAccess/group/${kind}`, found));
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${base}/assignmentScheduleRequests$`),
    permissions: writeAssignmentRequests,
    handle: async (req) => {
      const input = requestInput(await jsonBody(req));
      const request = req.ctx.privilegedAccess.submit(req.tenant, pimCaller(req), input);
      respond(
        req,
        201,
        entity(
          req,
          'identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
          requestJson(request),
        ),
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${base}/assignmentScheduleRequests/([^/]+)/cancel$`),
    permissions: writeAssignmentRequests,
    handle: (req, m) => {
      req.ctx.privilegedAccess.cancel(req.tenant, param(m, 1), signedInUser(req, 'cancel'));
      respond(req, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/assignmentApprovals/([^/]+)$`),
    permissions: readAssignments,
    handle: (req, m) => {
      const approval = approvalOf(req.tenant, param(m, 1));
      respond(
        req,
        200,
        entity(
          req,
          'identityGovernance/privilegedAccess/group/assignmentApprovals',
          approvalJson(approval, isApproverOf(req, approval.requestId)),
        ),
      );
    },
  },
  {
    method: 'PATCH',
    // The docs give both `stages` (resource) and `steps` (HTTP request line); both are served.
    pattern: new RegExp(`^${base}/assignmentApprovals/([^/]+)/(?:stages|steps)/([^/]+)$`),
    permissions: writeAssignmentRequests,
    handle: async (req, m) => {
      const reviewer = signedInUser(req, 'Approving a request');
      const body = await jsonBody(req);
      req.ctx.privilegedAccess.decide(
        req.tenant,
        param(m, 1),
        param(m, 2),
        reviewer,
        String(body.reviewResult ?? ''),
        text(body.justification, 'justification'),
      );
      respond(req, 204);
    },
  },
];

function isApproverOf(req: GraphRequest, requestId: string): boolean {
  if (req.caller.kind !== 'user') return false;
  const pim = req.tenant.privilegedAccess;
  const request = pim.requests.find((r) => r.id === requestId);
  const policy = request && pim.policies.get(request.groupId);
  return (
    policy !== undefined &&
    request?.principalId !== req.caller.user.id &&
    req.ctx.privilegedAccess.isApprover(req.tenant, policy, req.caller.user.id)
  );
}
