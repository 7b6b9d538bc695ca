/**
 * The reference model for the live state: the plainest possible reading of
 * the Graph pages a webhook received whole, and the decision a review must
 * reach from them. No indexes, no versions, no scope bookkeeping: maps and a
 * search, so that it is obviously right and shares no code with src/.
 *
 * Graph semantics it follows (entra-protocol.md §4.1): a full round lists every
 * object and, for a group, every member; objects a completed full round did not
 * list are gone; a delta round lists changes (`members@delta` with `@removed`).
 * Freshness: a stream is fresh from the start of its last completed round.
 */

export type Item = Record<string, unknown>;

export type Decision = { allowed: true; groups: string[] } | { allowed: false; reason: string };

export class ReferenceKnowledge {
  readonly users = new Map<string, { enabled: boolean; validFrom: number }>();
  /** group -> direct members (users and groups). */
  readonly groups = new Map<string, Set<string>>();
  readonly memberIsGroup = new Set<string>();
  /** Start time of each stream's last completed round (0: none). */
  readonly synced = { users: 0, groups: 0 };
  private readonly roundStart = { users: 0, groups: 0 };
  private listed = { users: new Set<string>(), groups: new Set<string>() };

  constructor(private readonly now: () => number) {}

  learn(
    stream: 'users' | 'groups',
    items: Item[],
    page: { full: boolean; first: boolean; last: boolean },
  ): void {
    if (page.first) {
      this.roundStart[stream] = this.now();
      this.listed[stream] = new Set();
    }
    for (const item of items) {
      const id = item.id as string;
      this.listed[stream].add(id);
      if (stream === 'users') {
        if (item['@removed']) this.users.delete(id);
        else
          this.users.set(id, {
            enabled: item.accountEnabled as boolean,
            validFrom: Date.parse(item.signInSessionsValidFromDateTime as string),
          });
        continue;
      }
      if (item['@removed']) {
        this.groups.delete(id);
        continue;
      }
      if (page.full || !this.groups.has(id)) this.groups.set(id, new Set());
      const members = this.groups.get(id) as Set<string>;
      for (const ref of item['members@delta'] as Item[]) this.applyRef(members, ref);
    }
    if (page.last) {
      if (page.full)
        for (const id of [...(stream === 'users' ? this.users.keys() : this.groups.keys())])
          if (!this.listed[stream].has(id)) (stream === 'users' ? this.users : this.groups).delete(id);
      this.synced[stream] = this.roundStart[stream];
    }
  }

  replaceMembers(group: string, refs: Item[]): void {
    const members = new Set<string>();
    for (const ref of refs) this.applyRef(members, ref);
    this.groups.set(group, members);
  }

  /** The decision for a token of `oid` issued at `iatMs` claiming `claimed` groups. */
  decide(
    oid: string,
    iatMs: number,
    claimed: readonly string[],
    scopeRoots: readonly string[],
    maxStalenessMs: number,
  ): Decision {
    if (this.synced.users === 0 || this.synced.groups === 0)
      return { allowed: false, reason: 'live_state_not_ready' };
    if (this.now() - Math.min(this.synced.users, this.synced.groups) > maxStalenessMs)
      return { allowed: false, reason: 'live_state_stale' };
    const user = this.users.get(oid);
    if (!user) return { allowed: false, reason: 'user_unknown' };
    if (!user.enabled) return { allowed: false, reason: 'account_disabled' };
    if (iatMs < user.validFrom) return { allowed: false, reason: 'sessions_revoked' };
    const scope = this.reachable(scopeRoots);
    const member = (group: string, id: string, seen: Set<string>): boolean => {
      if (seen.has(group)) return false;
      seen.add(group);
      const members = this.groups.get(group);
      if (!members) return false;
      if (members.has(id)) return true;
      return [...members].some((m) => this.memberIsGroup.has(m) && member(m, id, seen));
    };
    // Token groups still true now, plus the named groups (the roots) the user is in now, whatever
    // the token says (issue #17: an activation after the token was issued).
    const granted = new Set([
      ...claimed.filter((g) => scope.has(g) && member(g, oid, new Set())),
      ...scopeRoots.filter((g) => member(g, oid, new Set())),
    ]);
    return { allowed: true, groups: [...granted].sort() };
  }

  /** Groups reachable from the roots by nesting (the roots included). */
  private reachable(roots: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      for (const m of this.groups.get(id) ?? []) if (this.memberIsGroup.has(m)) visit(m);
    };
    roots.forEach(visit);
    return seen;
  }

  private applyRef(members: Set<string>, ref: Item): void {
    const id = ref.id as string;
    if (ref['@odata.type'] === '#microsoft.graph.group') this.memberIsGroup.add(id);
    if (ref['@removed']) members.delete(id);
    else members.add(id);
  }
}
