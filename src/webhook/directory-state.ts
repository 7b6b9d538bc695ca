/**
 * The part of the Entra directory a review needs, in memory, changed only by
 * applying ChangeBatches (directory-changes.ts) — whether they come straight
 * from this process's Graph poller or from the shared store's stream.
 *
 * What is held (docs/webhook.md, "What the webhook holds"):
 * - every user's security fields: enabled, sessions valid from, guest;
 * - the group nesting edges of all groups (ids only; nesting is rare);
 * - the user members of the groups in scope: the groups the access file grants
 *   through and everything nested under them. Without a scope (no access file
 *   rules), every group is in scope.
 *
 * A group that enters the scope after its delta item was seen (it got nested
 * under a granted group) has unknown members until they are read on demand:
 * `pendingMembers()` lists those groups for the poller.
 *
 * Every applied change is visible to the next review at once, whatever happens
 * later in the round: `version` moves with each batch that changed anything,
 * and `stampOf(user)` names the last version that concerned the user (their
 * fields, their memberships, or the nesting), so a remembered answer is reused
 * only while nothing about its user changed.
 */
import type { ChangeBatch, DeltaStream, DirectoryChange, MemberRef } from './directory-changes.js';

export interface UserRecord {
  enabled: boolean;
  /** Epoch ms of signInSessionsValidFromDateTime: tokens issued before it are revoked. */
  validFrom: number;
  guest: boolean;
  /** Full-round generation that last listed the user (for removal of the unlisted). */
  gen: number;
}

interface GroupNode {
  /** Full-round generation that last listed the group; 0 = only known as someone's member. */
  gen: number;
  parents: Set<string>;
  children: Set<string>;
  /** Direct user members; held only while the group is in scope. */
  users: Set<string> | undefined;
}

/** The groups the access file grants through, by object ID or display name. */
export interface GroupScope {
  ids: readonly string[];
  names: readonly string[];
}

export interface StateCounts {
  users: number;
  groups: number;
  groupsInScope: number;
  memberships: number;
  pendingMembers: number;
}

export class DirectoryState {
  readonly users = new Map<string, UserRecord>();
  private readonly groups = new Map<string, GroupNode>();
  /** user -> in-scope groups it is a direct member of. */
  private readonly userGroups = new Map<string, Set<string>>();
  private readonly rootIds: Set<string>;
  private readonly rootNames: Set<string>;
  /** Closure of the roots over nesting; undefined = every group is in scope. */
  private inScope: Set<string> | undefined;
  private readonly pending = new Set<string>();
  private readonly userStamps = new Map<string, number>();
  private structureStamp = 0;
  /** Set when the batch being applied stamped a user: the version must move with it. */
  private touched = false;
  private memo = new Map<string, ReadonlySet<string>>();
  private readonly gen: Record<DeltaStream, number> = { users: 0, groups: 0 };
  private readonly fullRound: Record<DeltaStream, boolean> = { users: false, groups: false };
  /** Bumped by every batch that changed anything. */
  version = 0;
  /** The next round's delta link per stream (undefined: start with a full round). */
  readonly cursors: Partial<Record<DeltaStream, string>> = {};
  /** Start time of each stream's last complete round (0: none yet). */
  readonly syncedFrom: Record<DeltaStream, number> = { users: 0, groups: 0 };

  constructor(scope?: GroupScope) {
    this.rootIds = new Set(scope?.ids.map((id) => id.toLowerCase()));
    this.rootNames = new Set(scope?.names);
    this.inScope = scope ? new Set() : undefined;
    for (const root of this.rootIds) this.enterScope(root);
  }

  get scoped(): boolean {
    return this.inScope !== undefined;
  }

  /** Applies one batch; returns whether anything a review can see changed. */
  apply(batch: ChangeBatch): boolean {
    const before = this.version;
    const next = this.version + 1;
    let structure = false;
    let changed = false;
    if (batch.fullStart) {
      this.gen[batch.stream]++;
      this.fullRound[batch.stream] = true;
    }
    for (const change of batch.changes) {
      const effect = this.applyChange(change, next);
      if (effect === 'structure') structure = true;
      if (effect) changed = true;
    }
    if (batch.cursor !== undefined) {
      if (this.fullRound[batch.stream] && this.sweep(batch.stream, next)) structure = changed = true;
      this.fullRound[batch.stream] = false;
      if (batch.cursor === null) delete this.cursors[batch.stream];
      else this.cursors[batch.stream] = batch.cursor;
    }
    if (batch.syncedFrom !== undefined) this.syncedFrom[batch.stream] = batch.syncedFrom;
    if (structure) {
      this.structureStamp = next;
      this.recomputeScope();
    }
    if (changed || this.touched) {
      this.touched = false;
      this.version = next;
      this.memo = new Map();
    }
    return this.version !== before;
  }

  /** When the state was last complete: the older of the two streams' last round starts (0: never). */
  get syncedAt(): number {
    return Math.min(this.syncedFrom.users, this.syncedFrom.groups);
  }

  user(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** The last version at which anything concerning this user changed. */
  stampOf(userId: string): number {
    return Math.max(this.userStamps.get(userId) ?? 0, this.structureStamp);
  }

  /** In-scope groups the user is a member of, directly or through nesting. Memoised per version. */
  groupsOf(userId: string): ReadonlySet<string> {
    const memo = this.memo.get(userId);
    if (memo) return memo;
    const seen = new Set<string>();
    const queue = [...(this.userGroups.get(userId) ?? [])];
    while (queue.length > 0) {
      const group = queue.pop() as string;
      if (seen.has(group) || !this.isInScope(group)) continue;
      seen.add(group);
      for (const parent of this.groups.get(group)?.parents ?? []) queue.push(parent);
    }
    this.memo.set(userId, seen);
    return seen;
  }

  /**
   * The groups the access file names (the scope's roots, not the groups nested under them) that the
   * user is a member of now, directly or through nesting: what the webhook grants from the live state
   * alone, whatever the token says (a PIM activation after the token was issued). Empty without a scope.
   */
  namedGroupsOf(userId: string): string[] {
    return [...this.groupsOf(userId)].filter((group) => this.rootIds.has(group));
  }

  /** In-scope groups the user is a direct member of (for callers that reason about memberships). */
  directGroupsOf(userId: string): ReadonlySet<string> {
    return this.userGroups.get(userId) ?? new Set();
  }

  isInScope(groupId: string): boolean {
    return this.inScope === undefined || this.inScope.has(groupId);
  }

  /** In-scope groups whose members must be read (they entered the scope after their delta item). */
  pendingMembers(): string[] {
    return [...this.pending];
  }

  counts(): StateCounts {
    let memberships = 0;
    let inScope = 0;
    for (const node of this.groups.values()) {
      if (node.users) memberships += node.users.size;
      if (node.gen > 0 && node.users) inScope++;
    }
    return {
      users: this.users.size,
      groups: [...this.groups.values()].filter((g) => g.gen > 0).length,
      groupsInScope: inScope,
      memberships,
      pendingMembers: this.pending.size,
    };
  }

  /** Everything needed to rebuild this state elsewhere (see state-snapshot.ts). */
  dump() {
    return {
      users: [...this.users].map(([id, u]) => [id, u.enabled ? 1 : 0, u.validFrom, u.guest ? 1 : 0] as const),
      groups: [...this.groups]
        .filter(([, g]) => g.gen > 0 || g.children.size > 0 || g.users !== undefined)
        .map(([id, g]) => [id, g.gen > 0 ? 1 : 0, [...g.children], g.users ? [...g.users] : null] as const),
      rootIds: [...this.rootIds],
      pending: [...this.pending],
      cursors: { ...this.cursors },
      syncedFrom: { ...this.syncedFrom },
    };
  }

  /** Rebuilds from dump(); the caller has checked the dump's shape. */
  load(dump: ReturnType<DirectoryState['dump']>): void {
    // Generation 1 stands for "listed before"; the next full round (2) removes what it does not list.
    this.gen.users = 1;
    this.gen.groups = 1;
    for (const [id, enabled, validFrom, guest] of dump.users)
      this.users.set(id, { enabled: enabled === 1, validFrom, guest: guest === 1, gen: 1 });
    for (const [id, seen, children] of dump.groups) {
      const node = this.node(id);
      if (seen) node.gen = 1;
      for (const child of children) this.link(id, child);
    }
    for (const id of dump.rootIds) this.rootIds.add(id);
    this.recomputeScope();
    for (const [id, , , users] of dump.groups) {
      const node = this.groups.get(id);
      if (!node || !users || !this.isInScope(id)) continue;
      this.pending.delete(id);
      node.users = new Set();
      for (const user of users) this.addUser(id, user);
    }
    for (const id of dump.pending) if (this.isInScope(id)) this.pending.add(id);
    Object.assign(this.cursors, dump.cursors);
    Object.assign(this.syncedFrom, dump.syncedFrom);
    this.version++;
  }

  private applyChange(change: DirectoryChange, stamp: number): boolean | 'structure' {
    switch (change.t) {
      case 'user':
        return this.applyUser(change, stamp);
      case 'user-removed': {
        if (!this.users.delete(change.id)) return false;
        for (const group of this.userGroups.get(change.id) ?? [])
          this.groups.get(group)?.users?.delete(change.id);
        this.userGroups.delete(change.id);
        this.touch(change.id, stamp);
        return true;
      }
      case 'group':
        return this.applyGroup(change, stamp);
      case 'group-removed':
        return this.removeGroup(change.id) ? 'structure' : false;
      case 'group-members':
        return this.replaceMembers(change.id, change.members, stamp);
    }
  }

  private applyUser(change: Extract<DirectoryChange, { t: 'user' }>, stamp: number): boolean {
    const known = this.users.get(change.id);
    const next: UserRecord = {
      enabled: change.enabled ?? known?.enabled ?? true,
      validFrom: change.validFrom ?? known?.validFrom ?? 0,
      guest: change.guest ?? known?.guest ?? false,
      gen: this.gen.users,
    };
    this.users.set(change.id, next);
    if (
      known &&
      known.enabled === next.enabled &&
      known.validFrom === next.validFrom &&
      known.guest === next.guest
    )
      return false;
    this.touch(change.id, stamp);
    return true;
  }

  private applyGroup(change: Extract<DirectoryChange, { t: 'group' }>, stamp: number): boolean | 'structure' {
    let structure = false;
    let changed = false;
    const node = this.node(change.id);
    if (change.name !== undefined && this.rootNames.has(change.name) && !this.rootIds.has(change.id)) {
      this.rootIds.add(change.id);
      this.enterScope(change.id);
      structure = true;
    }
    if (this.fullRound.groups && node.gen !== this.gen.groups) {
      // A full round lists every member of the group: nothing is left to read on demand.
      this.pending.delete(change.id);
      // First listing in a full round: what it lists is the whole membership.
      if (node.gen === 0 && node.users === undefined && node.children.size === 0) {
        node.gen = this.gen.groups;
      } else {
        node.gen = this.gen.groups;
        for (const child of [...node.children]) this.unlink(change.id, child);
        for (const user of [...(node.users ?? [])]) this.removeUser(change.id, user, stamp);
        structure = changed = true;
      }
    } else if (node.gen === 0) {
      node.gen = this.gen.groups || 1;
      changed = true;
    }
    for (const member of change.remove ?? []) {
      if (member.group) {
        if (this.unlink(change.id, member.id)) structure = true;
      } else if (this.removeUser(change.id, member.id, stamp)) changed = true;
      else this.touch(member.id, stamp); // not held, but an overage answer for them may be
    }
    for (const member of change.add ?? []) {
      if (member.group) {
        if (this.link(change.id, member.id)) structure = true;
      } else if (this.isHeld(change.id)) {
        if (this.addUser(change.id, member.id)) {
          this.touch(member.id, stamp);
          changed = true;
        }
      } else this.touch(member.id, stamp);
    }
    return structure ? 'structure' : changed;
  }

  private replaceMembers(id: string, members: readonly MemberRef[], stamp: number): 'structure' {
    const node = this.node(id);
    if (node.gen === 0) node.gen = this.gen.groups || 1;
    for (const child of [...node.children]) this.unlink(id, child);
    for (const user of [...(node.users ?? [])]) this.removeUser(id, user, stamp);
    this.pending.delete(id);
    for (const member of members)
      if (member.group) this.link(id, member.id);
      else if (this.isHeld(id)) this.addUser(id, member.id);
    return 'structure';
  }

  /** Removes users (or groups) the last full round of this stream did not list. */
  private sweep(stream: DeltaStream, stamp: number): boolean {
    const gen = this.gen[stream];
    let removed = false;
    if (stream === 'users') {
      for (const [id, user] of this.users)
        if (user.gen !== gen)
          removed = this.applyChange({ t: 'user-removed', id }, stamp) !== false || removed;
    } else {
      for (const [id, node] of [...this.groups])
        if (node.gen > 0 && node.gen !== gen) removed = this.removeGroup(id) || removed;
    }
    return removed;
  }

  private removeGroup(id: string): boolean {
    const node = this.groups.get(id);
    if (!node) return false;
    for (const child of [...node.children]) this.unlink(id, child);
    for (const parent of [...node.parents]) this.unlink(parent, id);
    for (const user of node.users ?? []) this.userGroups.get(user)?.delete(id);
    this.groups.delete(id);
    this.pending.delete(id);
    return true;
  }

  /** Marks a change concerning this user at version `stamp` (ends remembered answers about them). */
  private touch(userId: string, stamp: number): void {
    this.userStamps.set(userId, stamp);
    this.touched = true;
  }

  private isHeld(groupId: string): boolean {
    return this.isInScope(groupId);
  }

  private node(id: string): GroupNode {
    let node = this.groups.get(id);
    if (!node) {
      node = { gen: 0, parents: new Set(), children: new Set(), users: this.inScope ? undefined : new Set() };
      this.groups.set(id, node);
    }
    return node;
  }

  private link(parent: string, child: string): boolean {
    const p = this.node(parent);
    if (p.children.has(child)) return false;
    p.children.add(child);
    this.node(child).parents.add(parent);
    // Growing the scope at once keeps the members of a group listed later in the same round.
    if (this.inScope?.has(parent)) this.enterScope(child);
    return true;
  }

  private unlink(parent: string, child: string): boolean {
    const removed = this.groups.get(parent)?.children.delete(child) ?? false;
    this.groups.get(child)?.parents.delete(parent);
    return removed;
  }

  private addUser(group: string, user: string): boolean {
    const node = this.node(group);
    node.users ??= new Set();
    if (node.users.has(user)) return false;
    node.users.add(user);
    let groups = this.userGroups.get(user);
    if (!groups) {
      groups = new Set();
      this.userGroups.set(user, groups);
    }
    groups.add(group);
    return true;
  }

  private removeUser(group: string, user: string, stamp: number): boolean {
    const removed = this.groups.get(group)?.users?.delete(user) ?? false;
    this.userGroups.get(user)?.delete(group);
    if (removed) this.touch(user, stamp);
    return removed;
  }

  /** Adds a group and everything nested under it to the scope; groups listed before lose their members. */
  private enterScope(id: string): void {
    const scope = this.inScope;
    if (!scope) return;
    const queue = [id];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (scope.has(next)) continue;
      scope.add(next);
      const node = this.node(next);
      if (node.users === undefined) {
        node.users = new Set();
        // Listed before it entered the scope: its members were not kept and must be read.
        if (node.gen > 0) this.pending.add(next);
      }
      for (const child of node.children) queue.push(child);
    }
  }

  /** After removals: the scope is the closure of the roots over nesting; what left it is dropped. */
  private recomputeScope(): void {
    const old = this.inScope;
    if (!old) return;
    this.inScope = new Set();
    for (const root of this.rootIds) this.enterScope(root);
    for (const id of old)
      if (!this.inScope.has(id)) {
        const node = this.groups.get(id);
        for (const user of node?.users ?? []) this.userGroups.get(user)?.delete(id);
        if (node) node.users = undefined;
        this.pending.delete(id);
      }
  }
}
