/**
 * /applications/{id}/federatedIdentityCredentials: list, create, get, delete
 * (reference §3.2): at most 20 per app, unique name, unique issuer + subject,
 * exactly one audience. The token endpoint accepts the tokens they describe as
 * the app's credential (client-assertion.ts).
 * Source: learn.microsoft.com/graph/api/application-post-federatedidentitycredentials
 */
import { GraphFailure } from '../errors.js';
import { newGuid } from '../ids.js';
import type { FederatedIdentityCredential } from '../model.js';
import { applicationOf } from './applications.js';
import { collection } from './odata.js';
import { readApplications, writeApplications } from './permissions.js';
import { badRequest, entity, type GraphRoute, jsonBody, notFound, param, respond } from './request.js';

const base = String.raw`applications(?:/([^/(]+)|\(appId='([^']+)'\))/federatedIdentityCredentials`;

const json = (c: FederatedIdentityCredential) => ({ ...c });

export const federatedCredentialRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^/${base}$`),
    permissions: readApplications,
    handle: (req, m) => {
      const app = applicationOf(req, m);
      respond(
        req,
        200,
        collection(
          req,
          `applications('${app.id}')/federatedIdentityCredentials`,
          app.federatedIdentityCredentials.map(json),
        ),
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${base}$`),
    permissions: writeApplications,
    handle: async (req, m) => {
      const app = applicationOf(req, m);
      const body = await jsonBody(req);
      for (const key of ['name', 'issuer', 'subject'])
        if (typeof body[key] !== 'string' || body[key] === '')
          throw badRequest(`Property '${key}' is required.`);
      const audiences = body.audiences;
      if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string')
        throw badRequest("Property 'audiences' must hold exactly one value.");
      const list = app.federatedIdentityCredentials;
      if (list.length >= 20)
        throw badRequest('An application can have at most 20 federated identity credentials.');
      if (list.some((c) => c.name === body.name || (c.issuer === body.issuer && c.subject === body.subject)))
        throw new GraphFailure(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          'A federated identity credential with this name, or this issuer and subject, already exists.',
        );
      const created: FederatedIdentityCredential = {
        id: newGuid(),
        name: String(body.name),
        issuer: String(body.issuer),
        subject: String(body.subject),
        audiences: [audiences[0]],
        description: typeof body.description === 'string' ? body.description : null,
      };
      list.push(created);
      req.ctx.directory.touch(app);
      respond(req, 201, entity(req, `applications('${app.id}')/federatedIdentityCredentials`, json(created)));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/${base}/([^/]+)$`),
    permissions: writeApplications,
    handle: (req, m) => {
      const app = applicationOf(req, m);
      const key = param(m, 3);
      const list = app.federatedIdentityCredentials;
      const index = list.findIndex((c) => c.id === key || c.name === key);
      if (index < 0) throw notFound(key);
      list.splice(index, 1);
      respond(req, 204);
    },
  },
];
