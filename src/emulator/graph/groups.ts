/**
 * /groups: list (`$filter=displayName eq '...'`), get, create, members
 * (list, add with `members/$ref`, remove with `members/{id}/$ref`) and
 * transitiveMembers. Membership changes write directory audit records.
 */
import { GraphFailure } from '../errors.js';
import { safeDecode } from '../http.js';
import { newGuid } from '../ids.js';
import type { Group } from '../model.js';
import { collection } from './odata.js';
import { readGroups, writeGroups, writeMembers } from './permissions.js';
import {
  actorOf,
  badRequest,
  entity,
  type GraphRequest,
  type GraphRoute,
  jsonBody,
  notFound,
  param,
  respond,
} from './request.js';
import { directoryObjectJson, groupJson, type Json } from './serialize.js';

function groupOf(req: GraphRequest, id: string): Group {
  const group = req.tenant.groups.get(id.toLowerCase());
  if (!group) throw notFound(id);
  return group;
}

function objects(req: GraphRequest, ids: Iterable<string>): Json[] {
  return [...ids]
    .map((id) => directoryObjectJson(req.tenant, id))
    .filter((item): item is Json => item !== undefined);
}

/** `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` -> the object ID. */
function referencedId(body: Json): string {
  const ref = body['@odata.id'];
  const id =
    typeof ref === 'string'
      ? /\/(?:directoryObjects|users|groups|servicePrincipals)\/([^/?]+)$/.exec(ref)?.[1]
      : undefined;
  if (!id) throw badRequest("The request body must carry '@odata.id' with a directoryObjects URL.");
  return safeDecode(id).toLowerCase();
}

export const groupRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/groups$/,
    permissions: readGroups,
    handle: (req) =>
      respond(req, 200, collection(req, 'groups', [...req.tenant.groups.values()].map(groupJson))),
  },
  {
    method: 'POST',
    pattern: /^\/groups$/,
    permissions: writeGroups,
    handle: async (req) => {
      const body = await jsonBody(req);
      if (typeof body.displayName !== 'string' || body.displayName === '')
        throw badRequest("Property 'displayName' is required.");
      const group: Group = {
        id: newGuid(),
        displayName: body.displayName,
        description: typeof body.description === 'string' ? body.description : null,
        securityEnabled: body.securityEnabled !== false,
        mailEnabled: body.mailEnabled === true,
        isAssignableToRole: body.isAssignableToRole === true,
        members: new Set(),
        createdDateTime: new Date(req.ctx.now()).toISOString(),
        version: 0,
      };
      req.tenant.groups.set(group.id, group);
      req.ctx.directory.touch(group);
      respond(req, 201, entity(req, 'groups', groupJson(group)));
    },
  },
  {
    method: 'GET',
    pattern: /^\/groups\/([^/]+)$/,
    permissions: readGroups,
    handle: (req, m) => respond(req, 200, entity(req, 'groups', groupJson(groupOf(req, param(m, 1))))),
  },
  {
    method: 'GET',
    pattern: /^\/groups\/([^/]+)\/(members|transitiveMembers)(?:\/microsoft\.graph\.(user|group))?$/,
    permissions: readGroups,
    handle: (req, m) => {
      const group = groupOf(req, param(m, 1));
      const ids = m[2] === 'members' ? group.members : req.ctx.directory.transitiveMembers(req.tenant, group);
      const cast = m[3];
      const items = objects(req, ids).filter((o) => !cast || o['@odata.type'] === `#microsoft.graph.${cast}`);
      respond(req, 200, collection(req, cast ? `${cast}s` : 'directoryObjects', items));
    },
  },
  {
    method: 'POST',
    pattern: /^\/groups\/([^/]+)\/members\/\$ref$/,
    permissions: writeMembers,
    handle: async (req, m) => {
      const group = groupOf(req, param(m, 1));
      const memberId = referencedId(await jsonBody(req));
      if (!directoryObjectJson(req.tenant, memberId)) throw notFound(memberId);
      if (memberId === group.id) throw badRequest('A group cannot be a member of itself.');
      if (!req.ctx.directory.addMember(req.tenant, group, memberId, actorOf(req))) {
        throw badRequest(
          "One or more added object references already exist for the following modified properties: 'members'.",
        );
      }
      respond(req, 204);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/groups\/([^/]+)\/members\/([^/]+)\/\$ref$/,
    permissions: writeMembers,
    handle: (req, m) => {
      const group = groupOf(req, param(m, 1));
      const memberId = param(m, 2).toLowerCase();
      if (!req.ctx.directory.removeMember(req.tenant, group, memberId, actorOf(req))) {
        throw new GraphFailure(
          404,
          'Request_ResourceNotFound',
          `'${memberId}' is not a member of the group.`,
        );
      }
      respond(req, 204);
    },
  },
];
