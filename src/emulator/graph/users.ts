/**
 * /users, /me: get (with `$select`), list, patch, memberships
 * (memberOf, transitiveMemberOf, getMemberGroups, checkMemberGroups,
 * getMemberObjects) and revokeSignInSessions.
 */
import { GraphFailure } from '../errors.js';
import type { User } from '../model.js';
import { collection, project } from './odata.js';
import { readGroups, readSelf, readUsers, revokeSessions, writeUsers } from './permissions.js';
import {
  actorOf,
  badRequest,
  contextUrl,
  entity,
  type GraphRequest,
  type GraphRoute,
  jsonBody,
  notFound,
  param,
  respond,
} from './request.js';
import { defaultUserProperties, directoryObjectJson, type Json, userJson } from './serialize.js';

/** `/users/{id or UPN}` or `/me`. */
function userOf(req: GraphRequest, ref: string): User {
  if (ref === 'me') {
    if (req.caller.kind !== 'user')
      throw badRequest('/me request is only valid with delegated authentication flow.');
    return req.caller.user;
  }
  const user = req.ctx.directory.user(req.tenant, ref);
  if (!user) throw notFound(ref);
  return user;
}

const user = '(me|users/[^/]+)';

function ref(match: RegExpExecArray): string {
  const raw = param(match, 1);
  return raw === 'me' ? 'me' : raw.slice('users/'.length);
}

function userView(req: GraphRequest, u: User) {
  const select = req.query.get('$select');
  return project(userJson(u), select ?? defaultUserProperties.join(','));
}

function memberships(req: GraphRequest, u: User, transitive: boolean, cast: string | undefined) {
  const { directory } = req.ctx;
  const ids = transitive
    ? directory.transitiveGroupIds(req.tenant, u.id)
    : [...directory.directGroupIds(req.tenant, u.id)];
  const items = ids
    .map((id) => directoryObjectJson(req.tenant, id))
    .filter((item): item is Json => item !== undefined);
  if (cast && cast !== 'microsoft.graph.group') throw badRequest(`Unsupported cast ${cast}.`);
  return collection(req, cast ? 'groups' : 'directoryObjects', items);
}

/** getMemberGroups / getMemberObjects: transitive group IDs (the emulator has no directory roles). */
async function memberGroups(req: GraphRequest, u: User) {
  const body = await jsonBody(req);
  const securityOnly = body.securityEnabledOnly === true;
  const ids = req.ctx.directory
    .transitiveGroupIds(req.tenant, u.id)
    .filter((id) => !securityOnly || req.tenant.groups.get(id)?.securityEnabled);
  if (ids.length > 11_000)
    throw new GraphFailure(400, 'Directory_ResultSizeLimitExceeded', 'The result exceeds 11000 objects.');
  respond(req, 200, { '@odata.context': contextUrl(req, 'Collection(Edm.String)'), value: ids });
}

export const userRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/users$/,
    permissions: readUsers,
    handle: (req) =>
      respond(
        req,
        200,
        collection(req, 'users', [...req.tenant.users.values()].map(userJson), {
          select: (item) => project(item, req.query.get('$select') ?? defaultUserProperties.join(',')),
        }),
      ),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/${user}$`),
    permissions: readSelf,
    handle: (req, m) => {
      const u = userOf(req, ref(m));
      if (ref(m) !== 'me' && !readUsers.some((p) => req.caller.permissions.has(p))) {
        throw new GraphFailure(
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      }
      respond(req, 200, entity(req, 'users', userView(req, u)));
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/${user}$`),
    permissions: writeUsers,
    handle: async (req, m) => {
      const u = userOf(req, ref(m));
      const body = await jsonBody(req);
      const editable = ['accountEnabled', 'displayName', 'givenName', 'surname'];
      for (const key of Object.keys(body)) {
        if (!editable.includes(key))
          throw badRequest(
            `Property '${key}' cannot be updated by the emulator (it supports ${editable.join(', ')}).`,
          );
      }
      if (body.accountEnabled !== undefined) {
        if (typeof body.accountEnabled !== 'boolean')
          throw badRequest("Invalid value for property 'accountEnabled'.");
        req.ctx.directory.setAccountEnabled(req.tenant, u, body.accountEnabled, actorOf(req));
      }
      for (const key of ['displayName', 'givenName', 'surname'] as const) {
        const value = body[key];
        if (value === undefined) continue;
        if (typeof value !== 'string' || (key === 'displayName' && value === ''))
          throw badRequest(`Invalid value for property '${key}'.`);
        u[key] = value;
      }
      req.ctx.directory.touch(u);
      respond(req, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/${user}/(memberOf|transitiveMemberOf)(?:/(microsoft\\.graph\\.group))?$`),
    permissions: [...readSelf, ...readGroups],
    handle: (req, m) =>
      respond(req, 200, memberships(req, userOf(req, ref(m)), m[2] === 'transitiveMemberOf', m[3])),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${user}/(getMemberGroups|getMemberObjects)$`),
    permissions: [...readSelf, ...readGroups],
    handle: (req, m) => memberGroups(req, userOf(req, ref(m))),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${user}/checkMemberGroups$`),
    permissions: [...readSelf, ...readGroups],
    handle: async (req, m) => {
      const u = userOf(req, ref(m));
      const body = await jsonBody(req);
      const wanted = body.groupIds;
      if (!Array.isArray(wanted) || wanted.some((id) => typeof id !== 'string'))
        throw badRequest("'groupIds' must be a list of group IDs.");
      if (wanted.length > 20) throw badRequest('checkMemberGroups accepts at most 20 group IDs.');
      const member = new Set(req.ctx.directory.transitiveGroupIds(req.tenant, u.id));
      respond(req, 200, {
        '@odata.context': contextUrl(req, 'Collection(Edm.String)'),
        value: (wanted as string[]).filter((id) => member.has(id.toLowerCase())),
      });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${user}/revokeSignInSessions$`),
    permissions: revokeSessions,
    handle: (req, m) => {
      req.ctx.directory.revokeSessions(userOf(req, ref(m)));
      respond(req, 200, { '@odata.context': contextUrl(req, 'Edm.Boolean'), value: true });
    },
  },
];
