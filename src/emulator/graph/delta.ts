/**
 * /users/delta and /groups/delta: a first round pages through everything and
 * ends with an `@odata.deltaLink`; calling that link returns what changed
 * since (groups with `members@delta`, removed members marked `@removed`).
 * `$deltatoken=latest` returns only a deltaLink (reference §4.1).
 */
import { GraphFailure } from '../errors.js';
import { odataQuery, project } from './odata.js';
import { readGroups, readUsers } from './permissions.js';
import { type GraphRequest, type GraphRoute, respond } from './request.js';
import { defaultUserProperties, groupJson, type Json, userJson } from './serialize.js';

interface DeltaState {
  /** Directory version the round started from (changes after it are returned). */
  since: number;
  /** Version at which this round was taken (the next deltaLink's `since`). */
  until: number;
  offset: number;
}

const pageSize = 100;

function encode(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(token: string): DeltaState {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    if ([state.since, state.until, state.offset].every((n) => Number.isInteger(n) && n >= 0)) return state;
  } catch {
    // fall through
  }
  throw new GraphFailure(
    400,
    'Request_BadRequest',
    'The delta or skip token is not valid; start a new delta round.',
  );
}

function link(req: GraphRequest, kind: '$skiptoken' | '$deltatoken', state: DeltaState): string {
  const query = new URLSearchParams();
  const select = req.query.get('$select');
  if (select) query.set('$select', select);
  query.set(kind, encode(state));
  return `${req.ctx.baseUrl}/${req.version}${req.path}?${odataQuery(query)}`;
}

function page(req: GraphRequest, entity: 'users' | 'groups', items: Json[], state: DeltaState): void {
  const slice = items.slice(state.offset, state.offset + pageSize);
  const body: Json = {
    '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#${entity}`,
    value: slice,
  };
  if (state.offset + pageSize < items.length)
    body['@odata.nextLink'] = link(req, '$skiptoken', { ...state, offset: state.offset + pageSize });
  else
    body['@odata.deltaLink'] = link(req, '$deltatoken', {
      since: state.until,
      until: state.until,
      offset: 0,
    });
  respond(req, 200, body);
}

/** Where a round stands: a new round (since 0), a next page, or a delta call. */
function stateOf(req: GraphRequest): DeltaState | 'latest' {
  const skip = req.query.get('$skiptoken');
  if (skip) return decode(skip);
  const delta = req.query.get('$deltatoken');
  if (delta === 'latest') return 'latest';
  const version = req.ctx.directory.version;
  if (delta) return { ...decode(delta), until: version, offset: 0 };
  return { since: 0, until: version, offset: 0 };
}

/** A first round (since 0) lists every object; later rounds list what changed in (since, until]. */
function changedIn(version: number, state: DeltaState): boolean {
  return (state.since === 0 || version > state.since) && version <= state.until;
}

function memberRef(req: GraphRequest, id: string, removed: boolean): Json {
  const type = req.tenant.users.has(id) ? 'user' : req.tenant.groups.has(id) ? 'group' : 'servicePrincipal';
  return {
    '@odata.type': `#microsoft.graph.${type}`,
    id,
    ...(removed ? { '@removed': { reason: 'deleted' } } : {}),
  };
}

export const deltaRoutes: GraphRoute[] = [
  {
    method: 'GET',
    pattern: /^\/users\/delta$/,
    permissions: readUsers,
    handle: (req) => {
      const state = stateOf(req);
      const version = req.ctx.directory.version;
      if (state === 'latest') return page(req, 'users', [], { since: version, until: version, offset: 0 });
      const select = req.query.get('$select') ?? defaultUserProperties.join(',');
      const items = [...req.tenant.users.values()]
        .filter((u) => changedIn(u.version, state))
        .map((u) => project(userJson(u), select, ['id']));
      page(req, 'users', items, state);
    },
  },
  {
    method: 'GET',
    pattern: /^\/groups\/delta$/,
    permissions: readGroups,
    handle: (req) => {
      const state = stateOf(req);
      const version = req.ctx.directory.version;
      if (state === 'latest') return page(req, 'groups', [], { since: version, until: version, offset: 0 });
      const select = req.query.get('$select');
      const withMembers = !select || select.split(',').includes('members');
      const changes = req.ctx.directory.membershipChanges.filter(
        (c) => c.tenantId === req.tenant.id && c.version > state.since && c.version <= state.until,
      );
      const items = [...req.tenant.groups.values()]
        .filter((g) => changedIn(g.version, state))
        .map((g) => {
          const item = project(
            groupJson(g),
            select
              ?.split(',')
              .filter((s) => s !== 'members')
              .join(',') || null,
            ['id'],
          );
          if (!withMembers) return item;
          const members =
            state.since === 0
              ? [...g.members].map((id) => memberRef(req, id, false))
              : changes.filter((c) => c.groupId === g.id).map((c) => memberRef(req, c.memberId, c.removed));
          return { ...item, 'members@delta': members };
        });
      page(req, 'groups', items, state);
    },
  },
];
