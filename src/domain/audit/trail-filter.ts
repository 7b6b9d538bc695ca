import type { ElevationEvent } from './elevation.js';
import type { GroupChange } from './group-change.js';
import type { TrailRecord } from './trail-record.js';

/**
 * What the user asked to see. Within one criterion any value may match (OR);
 * criteria combine with AND. Empty lists match everything.
 */
export interface TrailFilter {
  users: readonly string[];
  groups: readonly string[];
  namespaces: readonly string[];
  verbs: readonly string[];
  /** `pods` (any subresource) or `pods/exec`. */
  resources: readonly string[];
  deniedOnly: boolean;
  /** Epoch milliseconds, inclusive. */
  since?: number;
  until?: number;
}

export const emptyFilter: TrailFilter = {
  users: [],
  groups: [],
  namespaces: [],
  verbs: [],
  resources: [],
  deniedOnly: false,
};

/** Whether the filter asks about requests only (group changes have no verb, namespace, resource, decision). */
export function filtersRequestsOnly(filter: TrailFilter): boolean {
  return (
    filter.namespaces.length > 0 ||
    filter.verbs.length > 0 ||
    filter.resources.length > 0 ||
    filter.deniedOnly
  );
}

export function inTimeRange(filter: TrailFilter, time: number): boolean {
  if (filter.since !== undefined && !(time >= filter.since)) return false;
  if (filter.until !== undefined && !(time <= filter.until)) return false;
  return true;
}

export function matchesRequest(record: TrailRecord, filter: TrailFilter): boolean {
  const what = record.what;
  if (filter.deniedOnly && what.decision !== 'forbid') return false;
  if (filter.verbs.length > 0 && !filter.verbs.includes(what.verb ?? '')) return false;
  if (filter.namespaces.length > 0 && !filter.namespaces.includes(what.namespace ?? '')) return false;
  if (filter.resources.length > 0 && !filter.resources.some((wanted) => resourceMatches(wanted, what)))
    return false;
  if (
    (filter.since !== undefined || filter.until !== undefined) &&
    !inTimeRange(filter, Date.parse(record.time))
  )
    return false;
  if (filter.users.length > 0) {
    const who = record.who;
    const names = [who.username, who.oid, who.upn, who.displayName, who.impersonatedBy];
    if (!filter.users.some((wanted) => anyEquals(names, wanted))) return false;
  }
  if (filter.groups.length > 0) {
    const granted = what.grantedBy?.subjectKind === 'Group' ? what.grantedBy : undefined;
    const names = [
      ...record.who.groups,
      ...record.who.groups.map(withoutPrefix),
      granted?.subject,
      granted?.groupName,
    ];
    if (!filter.groups.some((wanted) => anyEquals(names, wanted))) return false;
  }
  return true;
}

/** A directory event (group change, elevation step): its member and actor, its group. */
interface DirectoryEvent {
  time: string;
  member: { id?: string; upn?: string; displayName?: string };
  by: { id?: string; upn?: string; displayName?: string };
  group: { id?: string; displayName?: string };
}

function matchesDirectoryEvent(event: DirectoryEvent, filter: TrailFilter): boolean {
  if (filtersRequestsOnly(filter)) return false;
  if (!inTimeRange(filter, Date.parse(event.time))) return false;
  if (filter.users.length > 0) {
    const names = [
      event.member.id,
      event.member.upn,
      event.member.displayName,
      event.by.id,
      event.by.upn,
      event.by.displayName,
    ];
    if (!filter.users.some((wanted) => anyEquals(names, wanted) || anyEquals(names, withoutPrefix(wanted))))
      return false;
  }
  if (filter.groups.length > 0) {
    const names = [event.group.id, event.group.displayName];
    if (!filter.groups.some((wanted) => anyEquals(names, wanted))) return false;
  }
  return true;
}

export function matchesGroupChange(change: GroupChange, filter: TrailFilter): boolean {
  return matchesDirectoryEvent(change, filter);
}

export function matchesElevation(event: ElevationEvent, filter: TrailFilter): boolean {
  return matchesDirectoryEvent(event, filter);
}

function resourceMatches(wanted: string, what: TrailRecord['what']): boolean {
  const slash = wanted.indexOf('/');
  if (slash < 0) return what.resource === wanted;
  return what.resource === wanted.slice(0, slash) && what.subresource === wanted.slice(slash + 1);
}

function anyEquals(values: readonly (string | undefined)[], wanted: string): boolean {
  const lower = wanted.toLowerCase();
  return values.some((value) => value !== undefined && value.toLowerCase() === lower);
}

/** "entra:1b2c..." -> "1b2c..." (prefixes end with a colon by convention). */
function withoutPrefix(value: string): string {
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(colon + 1);
}

const durationUnits: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since` / `--until`: an RFC 3339 time (`2026-11-29T04:00:00Z`) or a duration
 * back from now (`90m`, `2h`, `7d`). Returns epoch milliseconds, or undefined
 * when the text is neither.
 */
export function parseTimeBound(text: string, now: number): number | undefined {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (duration) return now - Number(duration[1]) * (durationUnits[duration[2] as string] as number);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}
