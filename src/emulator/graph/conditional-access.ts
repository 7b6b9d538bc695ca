/**
 * /identity/conditionalAccess/policies (list, get, create, patch, delete) and
 * /identity/conditionalAccess/namedLocations (list, create) in Graph's shapes.
 * Policies created here are enforced at the next sign-in.
 */
import { newGuid } from '../ids.js';
import type { ConditionalAccessPolicy, NamedLocation } from '../model.js';
import { collection } from './odata.js';
import { readPolicies, writePolicies } from './permissions.js';
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
import type { Json } from './serialize.js';

function list(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest(`'${path}' must be a list of strings.`);
  return value as string[];
}

function section(value: unknown, path: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`'${path}' must be an object.`);
  return value as Json;
}

const states = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'];
const transferMethods = ['deviceCodeFlow', 'authenticationTransfer'];

/** conditions.authenticationFlows: `{transferMethods: "deviceCodeFlow,authenticationTransfer"}` (a flags value). */
function authenticationFlows(value: unknown): ConditionalAccessPolicy['conditions']['authenticationFlows'] {
  if (value === undefined || value === null) return null;
  const flows = section(value, 'conditions.authenticationFlows');
  const methods = flows.transferMethods;
  if (
    typeof methods !== 'string' ||
    methods.split(',').some((method) => !transferMethods.includes(method.trim()))
  )
    throw badRequest(
      `'conditions.authenticationFlows.transferMethods' must name ${transferMethods.join(' and/or ')}, comma-separated.`,
    );
  return {
    transferMethods: methods
      .split(',')
      .map((method) => method.trim())
      .join(','),
  };
}

/** Validates a Graph conditionalAccessPolicy body (create, or the merged result of a patch). */
function policyFrom(
  body: Json,
  base: ConditionalAccessPolicy | undefined,
  now: string,
): ConditionalAccessPolicy {
  const displayName = body.displayName ?? base?.displayName;
  if (typeof displayName !== 'string' || displayName === '') throw badRequest("'displayName' is required.");
  const state = body.state ?? base?.state ?? 'enabled';
  if (!states.includes(String(state))) throw badRequest(`'state' must be one of ${states.join(', ')}.`);
  if (!base && body.conditions === undefined) throw badRequest("'conditions' is required.");
  const conditions = body.conditions === undefined ? undefined : section(body.conditions, 'conditions');
  const apps = section(conditions?.applications, 'conditions.applications');
  const users = section(conditions?.users, 'conditions.users');
  const locations = conditions?.locations ? section(conditions.locations, 'conditions.locations') : undefined;
  const grant = body.grantControls === undefined ? undefined : section(body.grantControls, 'grantControls');
  const controls = grant ? list(grant.builtInControls, 'grantControls.builtInControls') : undefined;
  for (const control of controls ?? []) {
    if (
      ![
        'block',
        'mfa',
        'compliantDevice',
        'domainJoinedDevice',
        'approvedApplication',
        'compliantApplication',
        'passwordChange',
      ].includes(control)
    ) {
      throw badRequest(`Unknown built-in control '${control}'.`);
    }
  }
  return {
    id: base?.id ?? newGuid(),
    displayName,
    state: state as ConditionalAccessPolicy['state'],
    createdDateTime: base?.createdDateTime ?? now,
    modifiedDateTime: base ? now : null,
    conditions: conditions
      ? {
          applications: {
            includeApplications: list(
              apps.includeApplications,
              'conditions.applications.includeApplications',
            ),
            excludeApplications: list(
              apps.excludeApplications,
              'conditions.applications.excludeApplications',
            ),
            includeAuthenticationContextClassReferences: list(
              apps.includeAuthenticationContextClassReferences,
              'conditions.applications.includeAuthenticationContextClassReferences',
            ),
          },
          users: {
            includeUsers: list(users.includeUsers, 'conditions.users.includeUsers'),
            excludeUsers: list(users.excludeUsers, 'conditions.users.excludeUsers'),
            includeGroups: list(users.includeGroups, 'conditions.users.includeGroups'),
            excludeGroups: list(users.excludeGroups, 'conditions.users.excludeGroups'),
          },
          locations: locations
            ? {
                includeLocations: list(locations.includeLocations, 'conditions.locations.includeLocations'),
                excludeLocations: list(locations.excludeLocations, 'conditions.locations.excludeLocations'),
              }
            : null,
          clientAppTypes: list(conditions.clientAppTypes ?? ['all'], 'conditions.clientAppTypes'),
          authenticationFlows: authenticationFlows(conditions.authenticationFlows),
        }
      : (base as ConditionalAccessPolicy).conditions,
    grantControls: grant
      ? { operator: grant.operator === 'AND' ? 'AND' : 'OR', builtInControls: controls ?? [] }
      : (base?.grantControls ?? null),
  };
}

/** Graph fills what the emulator does not model with empty values, as the real service does. */
function policyJson(p: ConditionalAccessPolicy): Json {
  return {
    ...p,
    conditions: {
      ...p.conditions,
      applications: { ...p.conditions.applications, includeUserActions: [] },
      users: { ...p.conditions.users, includeRoles: [], excludeRoles: [] },
      platforms: null,
      signInRiskLevels: [],
      userRiskLevels: [],
      servicePrincipalRiskLevels: [],
      clientApplications: null,
      devices: null,
    },
    grantControls: p.grantControls
      ? { ...p.grantControls, customAuthenticationFactors: [], termsOfUse: [] }
      : null,
    sessionControls: null,
  };
}

function locationJson(l: NamedLocation): Json {
  return {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: l.id,
    displayName: l.displayName,
    createdDateTime: l.createdDateTime,
    modifiedDateTime: l.createdDateTime,
    isTrusted: l.isTrusted,
    ipRanges: l.cidrs.map((cidrAddress) => ({
      '@odata.type': cidrAddress.includes(':')
        ? '#microsoft.graph.iPv6CidrRange'
        : '#microsoft.graph.iPv4CidrRange',
      cidrAddress,
    })),
  };
}

function policyOf(req: GraphRequest, id: string): ConditionalAccessPolicy {
  const found = req.tenant.conditionalAccessPolicies.find((p) => p.id === id.toLowerCase());
  if (!found) throw notFound(id);
  return found;
}

const base = '/identity/conditionalAccess';

export const conditionalAccessRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/policies$`),
    permissions: readPolicies,
    handle: (req) =>
      respond(
        req,
        200,
        collection(
          req,
          'identity/conditionalAccess/policies',
          req.tenant.conditionalAccessPolicies.map(policyJson),
        ),
      ),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${base}/policies$`),
    permissions: writePolicies,
    handle: async (req) => {
      const policy = policyFrom(await jsonBody(req), undefined, new Date(req.ctx.now()).toISOString());
      req.tenant.conditionalAccessPolicies.push(policy);
      respond(req, 201, entity(req, 'identity/conditionalAccess/policies', policyJson(policy)));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/policies/([^/]+)$`),
    permissions: readPolicies,
    handle: (req, m) =>
      respond(
        req,
        200,
        entity(req, 'identity/conditionalAccess/policies', policyJson(policyOf(req, param(m, 1)))),
      ),
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^${base}/policies/([^/]+)$`),
    permissions: writePolicies,
    handle: async (req, m) => {
      const existing = policyOf(req, param(m, 1));
      const updated = policyFrom(await jsonBody(req), existing, new Date(req.ctx.now()).toISOString());
      Object.assign(existing, updated);
      respond(req, 204);
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^${base}/policies/([^/]+)$`),
    permissions: writePolicies,
    handle: (req, m) => {
      const existing = policyOf(req, param(m, 1));
      req.tenant.conditionalAccessPolicies = req.tenant.conditionalAccessPolicies.filter(
        (p) => p !== existing,
      );
      respond(req, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${base}/namedLocations$`),
    permissions: readPolicies,
    handle: (req) =>
      respond(
        req,
        200,
        collection(
          req,
          'identity/conditionalAccess/namedLocations',
          req.tenant.namedLocations.map(locationJson),
        ),
      ),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${base}/namedLocations$`),
    permissions: writePolicies,
    handle: async (req) => {
      const body = await jsonBody(req);
      if (typeof body.displayName !== 'string' || body.displayName === '')
        throw badRequest("'displayName' is required.");
      const ranges = Array.isArray(body.ipRanges) ? (body.ipRanges as Json[]) : [];
      const cidrs = ranges.map((r) => String(r.cidrAddress ?? ''));
      if (cidrs.length === 0 || cidrs.some((c) => !/^[0-9a-f:.]+\/\d{1,3}$/i.test(c))) {
        throw badRequest(
          "'ipRanges' must list CIDR ranges such as 10.0.0.0/8 (country locations are not supported).",
        );
      }
      const location: NamedLocation = {
        id: newGuid(),
        displayName: body.displayName,
        isTrusted: body.isTrusted === true,
        cidrs,
        createdDateTime: new Date(req.ctx.now()).toISOString(),
      };
      req.tenant.namedLocations.push(location);
      respond(req, 201, entity(req, 'identity/conditionalAccess/namedLocations', locationJson(location)));
    },
  },
];
