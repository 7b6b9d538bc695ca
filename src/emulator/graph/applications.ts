/**
 * /applications: create, list/filter, get (by object ID or `(appId='...')`),
 * patch, addPassword and removePassword (reference §3.1, §3.2).
 */
import { keyCredentialOf } from '../certificates.js';
import { newGuid, opaque, sha256 } from '../ids.js';
import {
  type Application,
  type AppRole,
  type GroupMembershipClaims,
  isRegistered,
  type PermissionScope,
} from '../model.js';
import { collection } from './odata.js';
import { readApplications, writeApplications } from './permissions.js';
import {
  badRequest,
  contextUrl,
  entity,
  type GraphRequest,
  type GraphRoute,
  jsonBody,
  notFound,
  respond,
} from './request.js';
import { applicationJson, type Json, passwordCredentialJson } from './serialize.js';

const app = String.raw`applications(?:/([^/(]+)|\(appId='([^']+)'\))`;

export function applicationOf(req: GraphRequest, match: RegExpExecArray): Application {
  const objectId = match[1]?.toLowerCase();
  const appId = match[2]?.toLowerCase();
  const found = [...req.tenant.applications.values()].find(
    (a) => isRegistered(a) && (objectId ? a.id === objectId : a.appId === appId),
  );
  if (!found) throw notFound(objectId ?? appId ?? '');
  return found;
}

function strings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest(`Property '${name}' must be a list of strings.`);
  return value as string[];
}

function object(value: unknown, name: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest(`Property '${name}' must be an object.`);
  return value as Json;
}

const claimsSettings = ['None', 'SecurityGroup', 'ApplicationGroup', 'DirectoryRole', 'All'];
const stored = ['requiredResourceAccess', 'optionalClaims', 'tags', 'description', 'notes', 'info', 'spa'];

/**
 * An identifier URI names one app: "for a single-tenant application, the App ID URI need only be
 * unique within that tenant" (learn.microsoft.com/entra/identity-platform/
 * quickstart-configure-app-expose-web-apis), and Graph refuses a second app with the same one.
 */
function uniqueIdentifierUris(req: GraphRequest, target: Application, uris: string[]): string[] {
  const key = (uri: string) => uri.toLowerCase().replace(/\/+$/, '');
  for (const other of req.tenant.applications.values())
    if (other !== target && other.identifierUris.some((uri) => uris.map(key).includes(key(uri))))
      throw badRequest('Another object with the same value for property identifierUris already exists.');
  return uris;
}

/**
 * `api.preAuthorizedApplications` may only name the app's own delegated permissions (after the
 * same request's `oauth2PermissionScopes`), as the portal and Graph require.
 */
function preAuthorized(value: unknown, target: Application): Application['preAuthorizedApplications'] {
  if (!Array.isArray(value)) throw badRequest("'api.preAuthorizedApplications' must be a list.");
  return value.map((entry) => {
    const item = object(entry, 'api.preAuthorizedApplications[]');
    if (typeof item.appId !== 'string') throw badRequest('Each preAuthorizedApplication needs an appId.');
    const ids = strings(item.delegatedPermissionIds ?? [], 'delegatedPermissionIds');
    for (const id of ids)
      if (!target.oauth2PermissionScopes.some((scope) => scope.id === id))
        throw badRequest(
          `Property 'delegatedPermissionIds' references a permission (${id}) the application does not expose.`,
        );
    return { appId: item.appId, delegatedPermissionIds: ids };
  });
}

/** Applies Graph application properties (create body or PATCH) with Graph-style 400s for bad values. */
function apply(target: Application, body: Json, req: GraphRequest): void {
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'displayName':
        if (typeof value !== 'string' || value === '')
          throw badRequest("Property 'displayName' must be a non-empty string.");
        target.displayName = value;
        break;
      case 'signInAudience':
        if (typeof value !== 'string') throw badRequest("Property 'signInAudience' must be a string.");
        target.signInAudience = value;
        break;
      case 'isFallbackPublicClient':
        target.isFallbackPublicClient = value === true;
        break;
      case 'identifierUris':
        target.identifierUris = uniqueIdentifierUris(req, target, strings(value, key));
        break;
      case 'groupMembershipClaims':
        if (value !== null && !claimsSettings.includes(String(value)))
          throw badRequest(`Invalid value for 'groupMembershipClaims': ${String(value)}.`);
        target.groupMembershipClaims = value as GroupMembershipClaims | null;
        break;
      case 'publicClient':
        target.publicClientRedirectUris = strings(
          object(value, key).redirectUris ?? [],
          'publicClient.redirectUris',
        );
        break;
      case 'web':
        target.webRedirectUris = strings(object(value, key).redirectUris ?? [], 'web.redirectUris');
        break;
      case 'keyCredentials':
        target.keyCredentials = keyCredentialsOf(value, target);
        break;
      case 'appRoles':
        if (!Array.isArray(value)) throw badRequest("Property 'appRoles' must be a list.");
        target.appRoles = value.map((r) => {
          const role = object(r, 'appRoles[]');
          return {
            id: typeof role.id === 'string' ? role.id : newGuid(),
            value: String(role.value ?? ''),
            displayName: String(role.displayName ?? role.value ?? ''),
            description: String(role.description ?? ''),
            allowedMemberTypes: strings(
              role.allowedMemberTypes ?? ['User'],
              'appRoles[].allowedMemberTypes',
            ) as AppRole['allowedMemberTypes'],
            isEnabled: role.isEnabled !== false,
          };
        });
        break;
      case 'api': {
        const api = object(value, key);
        if ('requestedAccessTokenVersion' in api) {
          const version = api.requestedAccessTokenVersion;
          if (version !== null && version !== 1 && version !== 2)
            throw badRequest("'api.requestedAccessTokenVersion' must be 1, 2 or null.");
          target.requestedAccessTokenVersion = version as 1 | 2 | null;
        }
        if ('oauth2PermissionScopes' in api) {
          if (!Array.isArray(api.oauth2PermissionScopes))
            throw badRequest("'api.oauth2PermissionScopes' must be a list.");
          target.oauth2PermissionScopes = api.oauth2PermissionScopes.map((s) => {
            const scope = object(s, 'api.oauth2PermissionScopes[]');
            return {
              id: typeof scope.id === 'string' ? scope.id : newGuid(),
              value: String(scope.value ?? ''),
              adminConsentDisplayName: String(scope.adminConsentDisplayName ?? scope.value ?? ''),
              adminConsentDescription: String(scope.adminConsentDescription ?? ''),
              type: scope.type === 'Admin' ? 'Admin' : 'User',
              isEnabled: scope.isEnabled !== false,
            } satisfies PermissionScope;
          });
        }
        if ('preAuthorizedApplications' in api)
          target.preAuthorizedApplications = preAuthorized(api.preAuthorizedApplications, target);
        break;
      }
      default:
        if (!stored.includes(key))
          throw badRequest(
            `Property '${key}' does not exist on type 'microsoft.graph.application' (or the emulator does not support it).`,
          );
        target.extra[key] = value;
    }
  }
}

/**
 * PATCH keyCredentials replaces the list, as in Graph: an entry with `key` (base64 DER) adds a
 * certificate; an entry with only the `keyId` of an existing one keeps it.
 */
function keyCredentialsOf(value: unknown, target: Application): Application['keyCredentials'] {
  if (!Array.isArray(value)) throw badRequest("Property 'keyCredentials' must be a list.");
  return value.map((entry) => {
    const credential = object(entry, 'keyCredentials[]');
    const kept = target.keyCredentials.find((c) => c.keyId === credential.keyId);
    if (typeof credential.key !== 'string') {
      if (kept) return kept;
      throw badRequest("Each new keyCredential needs 'key' (the certificate, base64 DER).");
    }
    if (credential.type !== 'AsymmetricX509Cert' || credential.usage !== 'Verify')
      throw badRequest("The emulator takes keyCredentials of type 'AsymmetricX509Cert' with usage 'Verify'.");
    try {
      return keyCredentialOf(credential.key, {
        keyId: typeof credential.keyId === 'string' ? credential.keyId : newGuid(),
        displayName: typeof credential.displayName === 'string' ? credential.displayName : null,
      });
    } catch {
      throw badRequest("Property 'key' of a keyCredential is not a valid certificate.");
    }
  });
}

export const applicationRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/applications$/,
    permissions: readApplications,
    handle: (req) => {
      const apps = [...req.tenant.applications.values()]
        .filter(isRegistered)
        .map((a) => applicationJson(a, req.tenant));
      respond(req, 200, collection(req, 'applications', apps));
    },
  },
  {
    method: 'POST',
    pattern: /^\/applications$/,
    permissions: writeApplications,
    handle: async (req) => {
      const body = await jsonBody(req);
      if (typeof body.displayName !== 'string' || body.displayName === '')
        throw badRequest("Property 'displayName' is required.");
      if ('passwordCredentials' in body)
        throw badRequest("'passwordCredentials' cannot be set on create; use addPassword.");
      const created: Application = {
        id: newGuid(),
        appId: newGuid(),
        displayName: body.displayName,
        signInAudience: 'AzureADandPersonalMicrosoftAccount',
        isFallbackPublicClient: false,
        publicClientRedirectUris: [],
        webRedirectUris: [],
        identifierUris: [],
        groupMembershipClaims: null,
        requestedAccessTokenVersion: null,
        oauth2PermissionScopes: [],
        appRoles: [],
        passwordCredentials: [],
        keyCredentials: [],
        federatedIdentityCredentials: [],
        createdDateTime: new Date(req.ctx.now()).toISOString(),
        builtIn: false,
        extra: {},
        version: 0,
      };
      apply(created, body, req);
      // Graph reports version 2 for apps that (by default) also admit personal accounts (reference §2.1).
      const api = body.api as Json | undefined;
      if (
        created.signInAudience.includes('PersonalMicrosoftAccount') &&
        api?.requestedAccessTokenVersion === undefined
      ) {
        created.requestedAccessTokenVersion = 2;
      }
      req.tenant.applications.set(created.id, created);
      req.ctx.directory.touch(created);
      respond(req, 201, entity(req, 'applications', applicationJson(created, req.tenant)));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/${app}$`),
    permissions: readApplications,
    handle: (req, m) =>
      respond(req, 200, entity(req, 'applications', applicationJson(applicationOf(req, m), req.tenant))),
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/${app}$`),
    permissions: writeApplications,
    handle: async (req, m) => {
      const target = applicationOf(req, m);
      const body = await jsonBody(req);
      for (const key of ['id', 'appId', 'passwordCredentials'])
        if (key in body) throw badRequest(`Property '${key}' is read-only.`);
      apply(target, body, req);
      req.ctx.directory.touch(target);
      respond(req, 204);
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${app}/addPassword$`),
    permissions: writeApplications,
    handle: async (req, m) => {
      const target = applicationOf(req, m);
      const body = await jsonBody(req);
      const input = (body.passwordCredential ?? {}) as Json;
      const start =
        typeof input.startDateTime === 'string' ? input.startDateTime : new Date(req.ctx.now()).toISOString();
      // Default lifetime: two years (Graph's addPassword documentation).
      const end =
        typeof input.endDateTime === 'string'
          ? input.endDateTime
          : new Date(Date.parse(start) + 2 * 365 * 86_400_000).toISOString();
      if (Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end)))
        throw badRequest('Invalid startDateTime or endDateTime.');
      const secretText = opaque(30);
      const credential = {
        keyId: newGuid(),
        displayName: typeof input.displayName === 'string' ? input.displayName : null,
        hint: secretText.slice(0, 3),
        secretHash: sha256(secretText),
        startDateTime: start,
        endDateTime: end,
      };
      target.passwordCredentials.push(credential);
      req.ctx.directory.touch(target);
      respond(req, 200, {
        '@odata.context': contextUrl(req, 'microsoft.graph.passwordCredential'),
        ...passwordCredentialJson(credential, secretText),
      });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/${app}/removePassword$`),
    permissions: writeApplications,
    handle: async (req, m) => {
      const target = applicationOf(req, m);
      const { keyId } = await jsonBody(req);
      const before = target.passwordCredentials.length;
      target.passwordCredentials = target.passwordCredentials.filter((c) => c.keyId !== keyId);
      if (target.passwordCredentials.length === before) throw notFound(String(keyId));
      respond(req, 204);
    },
  },
];
