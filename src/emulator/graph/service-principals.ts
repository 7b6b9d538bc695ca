/**
 * /servicePrincipals: create for an app, list/filter, get (by ID or
 * `(appId='...')`), patch `appRoleAssignmentRequired`, and
 * appRoleAssignedTo (list, assign, remove).
 */
import { GraphFailure } from '../errors.js';
import { newGuid, opaque } from '../ids.js';
import type { ServicePrincipal } from '../model.js';
import { collection } from './odata.js';
import { readApplications, writeApplications, writeAssignments } from './permissions.js';
import {
  badRequest,
  entity,
  type GraphRequest,
  type GraphRoute,
  jsonBody,
  notFound,
  param,
  respond,
} from './request.js';
import { assignmentJson, servicePrincipalJson } from './serialize.js';

const sp = String.raw`servicePrincipals(?:/([^/(]+)|\(appId='([^']+)'\))`;
const defaultAccess = '00000000-0000-0000-0000-000000000000';

function servicePrincipalOf(req: GraphRequest, match: RegExpExecArray): ServicePrincipal {
  const objectId = match[1]?.toLowerCase();
  const found = objectId
    ? req.tenant.servicePrincipals.get(objectId)
    : req.ctx.directory.servicePrincipal(req.tenant, match[2] ?? '');
  if (!found) throw notFound(objectId ?? match[2] ?? '');
  return found;
}

export const servicePrincipalRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/servicePrincipals$/,
    permissions: readApplications,
    handle: (req) => {
      const items = [...req.tenant.servicePrincipals.values()].map((s) =>
        servicePrincipalJson(s, req.tenant, req.ctx.directory),
      );
      respond(req, 200, collection(req, 'servicePrincipals', items));
    },
  },
  {
    method: 'POST',
    pattern: /^\/servicePrincipals$/,
    permissions: writeApplications,
    handle: async (req) => {
      const { appId } = await jsonBody(req);
      if (typeof appId !== 'string') throw badRequest("Property 'appId' is required.");
      const app = req.ctx.directory.application(req.tenant, appId);
      if (!app)
        throw badRequest(
          `The appId '${appId}' of the service principal does not reference a valid application object.`,
        );
      if (req.ctx.directory.servicePrincipal(req.tenant, appId)) {
        throw new GraphFailure(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          'The service principal cannot be created, updated, or restored because the service principal name is already in use.',
        );
      }
      const created: ServicePrincipal = {
        id: newGuid(),
        appId: app.appId,
        displayName: app.displayName,
        servicePrincipalType: 'Application',
        appRoleAssignmentRequired: false,
        servicePrincipalNames: [app.appId, ...app.identifierUris],
        createdDateTime: new Date(req.ctx.now()).toISOString(),
        version: 0,
      };
      req.tenant.servicePrincipals.set(created.id, created);
      req.ctx.directory.touch(created);
      respond(
        req,
        201,
        entity(req, 'servicePrincipals', servicePrincipalJson(created, req.tenant, req.ctx.directory)),
      );
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/${sp}$`),
    permissions: readApplications,
    handle: (req, m) =>
      respond(
        req,
        200,
        entity(
          req,
          'servicePrincipals',
          servicePrincipalJson(servicePrincipalOf(req, m), req.tenant, req.ctx.directory),
        ),
      ),
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/${sp}$`),
    permissions: writeApplications,
    handle: async (req, m) => {
      const target = servicePrincipalOf(req, m);
      const body = await jsonBody(req);
      for (const [key, value] of Object.entries(body)) {
        if (key === 'appRoleAssignmentRequired' && typeof value === 'boolean')
          target.appRoleAssignmentRequired = value;
        else if (key !== 'tags') throw badRequest(`Property '${key}' cannot be updated by the emulator.`);
      }
      req.ctx.directory.touch(target);
      respond(req, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/${sp}/appRoleAssignedTo$`),
    permissions: readApplications,
    handle: (req, m) => {
      const target = servicePrincipalOf(req, m);
      const items = req.tenant.appRoleAssignments
        .filter((a) => a.resourceId === target.id)
        .map(assignmentJson);
      respond(req, 200, collection(req, `servicePrincipals('${target.id}')/appRoleAssignedTo`, items));
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${sp}/appRoleAssignedTo$`),
    permissions: writeAssignments,
    handle: async (req, m) => {
      const target = servicePrincipalOf(req, m);
      const body = await jsonBody(req);
      const principalId = String(body.principalId ?? '').toLowerCase();
      const appRoleId = String(body.appRoleId ?? '').toLowerCase();
      if (body.resourceId !== undefined && String(body.resourceId).toLowerCase() !== target.id) {
        throw badRequest("'resourceId' must be the service principal in the URL.");
      }
      const user = req.tenant.users.get(principalId);
      const group = req.tenant.groups.get(principalId);
      const principalSp = req.tenant.servicePrincipals.get(principalId);
      const principal = user ?? group ?? principalSp;
      if (!principal) throw notFound(principalId);
      const app = req.ctx.directory.application(req.tenant, target.appId);
      if (appRoleId !== defaultAccess && !app?.appRoles.some((r) => r.id === appRoleId)) {
        throw badRequest(`Permission being assigned was not found on application '${target.appId}'.`);
      }
      if (
        req.tenant.appRoleAssignments.some(
          (a) => a.principalId === principalId && a.resourceId === target.id && a.appRoleId === appRoleId,
        )
      ) {
        throw new GraphFailure(
          409,
          'Request_BadRequest',
          'Permission being assigned already exists on the object.',
        );
      }
      const assignment = {
        id: opaque(32),
        appRoleId,
        principalId,
        principalType: user ? ('User' as const) : group ? ('Group' as const) : ('ServicePrincipal' as const),
        principalDisplayName: principal.displayName,
        resourceId: target.id,
        resourceDisplayName: target.displayName,
        createdDateTime: new Date(req.ctx.now()).toISOString(),
      };
      req.tenant.appRoleAssignments.push(assignment);
      req.ctx.directory.touch(target);
      respond(req, 201, entity(req, 'appRoleAssignments', assignmentJson(assignment)));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/${sp}/appRoleAssignedTo/([^/]+)$`),
    permissions: writeAssignments,
    handle: (req, m) => {
      const target = servicePrincipalOf(req, m);
      const id = param(m, 3);
      const index = req.tenant.appRoleAssignments.findIndex((a) => a.id === id && a.resourceId === target.id);
      if (index < 0) throw notFound(id);
      req.tenant.appRoleAssignments.splice(index, 1);
      respond(req, 204);
    },
  },
];
