/**
 * What the webhook learns from Graph, as plain data: changes to users' security
 * fields and to group memberships, grouped in batches the way Graph delivers
 * them (one delta page = one batch). A batch is the unit that is applied to the
 * directory state, written to the shared store's stream and replayed by every
 * replica, so it is small JSON and carries everything a follower needs: the
 * changes, the stream's next delta link when a round ends, and the time the
 * completed round started (what staleness is measured from).
 *
 * Normalising Graph's item shapes (entra-protocol.md §4.1: `members@delta`,
 * `@removed`, properties absent when unchanged) happens once, here.
 */

export type DeltaStream = 'users' | 'groups';

export interface MemberRef {
  id: string;
  /** A nested group (`#microsoft.graph.group`); users and other objects are leaves. */
  group?: true;
}

export type DirectoryChange =
  /** Security fields of a user; a field left out was not changed. */
  | { t: 'user'; id: string; enabled?: boolean; validFrom?: number; guest?: boolean }
  | { t: 'user-removed'; id: string }
  /** A group seen in groups/delta with its member changes (all members in a full round). */
  | { t: 'group'; id: string; name?: string; add?: MemberRef[]; remove?: MemberRef[] }
  | { t: 'group-removed'; id: string }
  /** Every member of a group, read on demand when the group entered the held scope after its delta item. */
  | { t: 'group-members'; id: string; members: MemberRef[] };

export interface ChangeBatch {
  changes: DirectoryChange[];
  stream: DeltaStream;
  /** A full round of the stream begins: objects it does not list again are removed when it ends. */
  fullStart?: true;
  /** The round ended: the delta link for the next one (null: start a full round next time). */
  cursor?: string | null;
  /** The round ended; it started at this time (epoch ms): nothing older than that is missing. */
  syncedFrom?: number;
}

const userSecurityFields = 'id,accountEnabled,signInSessionsValidFromDateTime,userType';
export const usersDeltaStart = `/users/delta?$select=${userSecurityFields}`;
export const groupsDeltaStart = '/groups/delta?$select=displayName,members';

/** The items of a delta page with an `id`: removed ones to `removed`, the others to `present`. */
function changesOf(
  items: readonly unknown[],
  removed: (id: string) => DirectoryChange,
  present: (id: string, item: Record<string, unknown>) => DirectoryChange,
): DirectoryChange[] {
  const changes: DirectoryChange[] = [];
  for (const raw of items) {
    const item = raw as Record<string, unknown>;
    const id = typeof item?.id === 'string' ? item.id : undefined;
    if (id) changes.push(item['@removed'] !== undefined ? removed(id) : present(id, item));
  }
  return changes;
}

/** users/delta items -> changes. Only the fields a review needs are read. */
export function userChanges(items: readonly unknown[]): DirectoryChange[] {
  return changesOf(
    items,
    (id) => ({ t: 'user-removed', id }),
    (id, item) => {
      const change: DirectoryChange = { t: 'user', id };
      if (typeof item.accountEnabled === 'boolean') change.enabled = item.accountEnabled;
      if (typeof item.signInSessionsValidFromDateTime === 'string')
        change.validFrom = Date.parse(item.signInSessionsValidFromDateTime) || 0;
      else if (item.signInSessionsValidFromDateTime === null) change.validFrom = 0;
      if (typeof item.userType === 'string') change.guest = item.userType === 'Guest';
      return change;
    },
  );
}

/** groups/delta items -> changes. */
export function groupChanges(items: readonly unknown[]): DirectoryChange[] {
  return changesOf(
    items,
    (id) => ({ t: 'group-removed', id }),
    (id, item) => {
      const change: Extract<DirectoryChange, { t: 'group' }> = { t: 'group', id };
      if (typeof item.displayName === 'string') change.name = item.displayName;
      const delta = item['members@delta'];
      if (Array.isArray(delta)) {
        const add: MemberRef[] = [];
        const remove: MemberRef[] = [];
        for (const entry of delta as Record<string, unknown>[]) {
          const ref = memberRef(entry);
          if (ref) (entry['@removed'] !== undefined ? remove : add).push(ref);
        }
        if (add.length) change.add = add;
        if (remove.length) change.remove = remove;
      }
      return change;
    },
  );
}

/** A member list item (`/groups/{id}/members` or members@delta) -> a reference. */
export function memberRef(entry: Record<string, unknown> | undefined): MemberRef | undefined {
  const id = entry?.id;
  if (typeof id !== 'string') return undefined;
  return entry?.['@odata.type'] === '#microsoft.graph.group' ? { id, group: true } : { id };
}
