/**
 * /users/delta and /groups/delta: a first round pages through everything and
 * ends with an `@odata.deltaLink`; calling that link returns what changed
 * since (groups with `members@delta`, removed members marked `@removed`).
 * `$deltatoken=latest` returns only a deltaLink (reference §4.1).
 */
import { randomUUID } from 'node:crypto';
import type { MembershipChange } from '../directory.js';
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
  /** The round's listing, remembered between its pages (absent in delta links). */
  round?: string;
}

/** Objects per page, as Entra pages a delta round (the client follows nextLink until a deltaLink). */
const pageSize = 100;

/**
 * What one round lists, computed once at its first page: the IDs of the
 * objects that changed in (since, until], and for groups the membership
 * changes in that range by group. Without it every page re-scanned the whole
 * tenant and the whole change log: quadratic in the tenant's size.
 */
interface RoundListing {
  ids: string[];
  changesByGroup?: Map<string, MembershipChange[]>;
}

/** A few rounds in progress at a time (one per client and stream); a forgotten round is recomputed. */
const listings = new Map<string, RoundListing>();
const maxListings = 16;

function remember(listing: RoundListing): string {
  const key = randomUUID();
  listings.set(key, listing);
  while (listings.size > maxListings) listings.delete(listings.keys().next().value as string);
  return key;
}

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

function page(
  req: GraphRequest,
  entity: 'users' | 'groups',
  listing: RoundListing,
  state: DeltaState,
  render: (id: string) => Json | undefined,
): void {
  const slice = listing.ids.slice(state.offset, state.offset + pageSize);
  const body: Json = {
    '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#${entity}`,
    value: slice.map(render).filter((item): item is Json => item !== undefined),
  };
  if (state.offset + pageSize < listing.ids.length)
    body['@odata.nextLink'] = link(req, '$skiptoken', {
      ...state,
      offset: state.offset + pageSize,
      round: state.round ?? remember(listing),
    });
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

/** Membership changes in (since, until] by group; the log is in version order, so it is cut, not scanned. */
function membershipChangesIn(req: GraphRequest, state: DeltaState): Map<string, MembershipChange[]> {
  const log = req.ctx.directory.membershipChanges;
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((log[mid] as MembershipChange).version <= state.since) low = mid + 1;
    else high = mid;
  }
  const byGroup = new Map<string, MembershipChange[]>();
  for (let i = low; i < log.length; i++) {
    const change = log[i] as MembershipChange;
    if (change.version > state.until) break;
    if (change.tenantId !== req.tenant.id) continue;
    let list = byGroup.get(change.groupId);
    if (!list) {
      list = [];
      byGroup.set(change.groupId, list);
    }
    list.push(change);
  }
  return byGroup;
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
      if (state === 'latest')
        return page(
          req,
          'users',
          { ids: [] },
          { since: version, until: version, offset: 0 },
          () => undefined,
        );
      const select = req.query.get('$select') ?? defaultUserProperties.join(',');
      const listing = (state.round && listings.get(state.round)) || {
        ids: [...req.tenant.users.values()].filter((u) => changedIn(u.version, state)).map((u) => u.id),
      };
      page(req, 'users', listing, state, (id) => {
        const user = req.tenant.users.get(id);
        return user && project(userJson(user), select, ['id']);
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/groups\/delta$/,
    permissions: readGroups,
    handle: (req) => {
      const state = stateOf(req);
      const version = req.ctx.directory.version;
      if (state === 'latest')
        return page(
          req,
          'groups',
          { ids: [] },
          { since: version, until: version, offset: 0 },
          () => undefined,
        );
      const select = req.query.get('$select');
      const withMembers = !select || select.split(',').includes('members');
      const listing = (state.round && listings.get(state.round)) || {
        ids: [...req.tenant.groups.values()].filter((g) => changedIn(g.version, state)).map((g) => g.id),
        changesByGroup: state.since === 0 ? undefined : membershipChangesIn(req, state),
      };
      const properties =
        select
          ?.split(',')
          .filter((s) => s !== 'members')
          .join(',') || null;
      page(req, 'groups', listing, state, (id) => {
        const g = req.tenant.groups.get(id);
        if (!g) return undefined;
        const item = project(groupJson(g), properties, ['id']);
        if (!withMembers) return item;
        const members = listing.changesByGroup
          ? (listing.changesByGroup.get(g.id) ?? []).map((c) => memberRef(req, c.memberId, c.removed))
          : [...g.members].map((m) => memberRef(req, m, false));
        return { ...item, 'members@delta': members };
      });
    },
  },
];
