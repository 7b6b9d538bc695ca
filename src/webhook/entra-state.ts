/**
 * Entra's live view of users and groups, kept in memory and current by polling
 * Graph delta queries (`users/delta`, `groups/delta` with `members@delta`;
 * entra-protocol.md §4.1). It is what makes offboarding instant: a review
 * checks the user's account, session revocation and group memberships here,
 * on every request, although the token itself stays valid for an hour.
 *
 * Staleness is explicit: `syncedAt` is the end of the last complete delta
 * round. While Graph throttles (429 + Retry-After) or is unavailable (503) the
 * poller backs off and reviews keep being answered from the last known state,
 * until that state is older than `maxStalenessMs`; then every review is denied
 * (fail closed) until a round succeeds again.
 *
 * Groups overage (the token lists no groups but has more: `_claim_names` or
 * `hasgroups`; decided in domain/entra/claims.ts) is resolved with
 * `POST /users/{id}/getMemberGroups`, cached per user and dropped when a delta
 * round touches that user's memberships.
 */
import { hasGroupsOverage } from '../domain/entra/claims.js';
import { type GraphReader, GraphUnavailable } from './graph-reader.js';
import type { Log } from './log.js';

interface UserRecord {
  accountEnabled: boolean;
  /** Epoch ms of `signInSessionsValidFromDateTime`: tokens issued before it are revoked. */
  sessionsValidFrom: number;
  guest: boolean;
}

export type LiveVerdict = { ok: true; groups: readonly string[] } | { ok: false; reason: LiveDenyReason };

export type LiveDenyReason =
  | 'live_state_not_ready'
  | 'live_state_stale'
  | 'user_unknown'
  | 'account_disabled'
  | 'sessions_revoked'
  | 'groups_unresolved';

export interface EntraStateOptions {
  graph: GraphReader;
  now: () => number;
  /** Time between delta rounds (the usual offboarding delay). */
  pollIntervalMs: number;
  /** Older state than this is not trusted: reviews are denied. */
  maxStalenessMs: number;
  /** Longest back-off after repeated failures without Retry-After. */
  maxBackoffMs?: number;
  log: Log;
  /** Sleeps that stop() can cut short; injected so tests control time. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const userSelect = 'id,accountEnabled,signInSessionsValidFromDateTime,userType';

export class EntraState {
  private readonly users = new Map<string, UserRecord>();
  /** group id -> direct member ids (users and groups). */
  private readonly members = new Map<string, Set<string>>();
  /** member id -> group ids it is a direct member of. */
  private readonly memberOf = new Map<string, Set<string>>();
  private readonly overage = new Map<string, { groups: readonly string[]; fetchedAt: number }>();
  private readonly overageInFlight = new Map<string, Promise<readonly string[]>>();
  private transitiveMemo = new Map<string, ReadonlySet<string>>();
  private usersLink: string | undefined;
  private groupsLink: string | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** Epoch ms of the end of the last complete delta round; 0 before the first. */
  syncedAt = 0;
  /** Bumped whenever a delta round changed anything. */
  version = 0;
  consecutiveFailures = 0;
  lastError: string | undefined;

  constructor(private readonly options: EntraStateOptions) {}

  /** Starts polling; resolves after the first full synchronisation attempt. */
  start(): Promise<void> {
    const first = this.syncOnce().then(
      () => undefined,
      () => undefined,
    );
    this.loop = first.then(() => this.pollLoop());
    return first;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  get ready(): boolean {
    return this.syncedAt > 0;
  }

  /** Why no review may be answered from this state right now (fail closed), or undefined. */
  unfit(): 'live_state_not_ready' | 'live_state_stale' | undefined {
    if (this.syncedAt === 0) return 'live_state_not_ready';
    if (this.options.now() - this.syncedAt > this.options.maxStalenessMs) return 'live_state_stale';
    return undefined;
  }

  stalenessMs(): number {
    return this.syncedAt === 0 ? Number.POSITIVE_INFINITY : this.options.now() - this.syncedAt;
  }

  /**
   * The live verdict for a verified token: account enabled, sessions not
   * revoked since `iat`, and the groups that are still true right now.
   */
  async check(claims: Readonly<Record<string, unknown>>): Promise<LiveVerdict> {
    const unfit = this.unfit();
    if (unfit) return { ok: false, reason: unfit };
    const oid = claims.oid as string;
    const user = this.users.get(oid);
    if (!user) return { ok: false, reason: 'user_unknown' };
    if (!user.accountEnabled) return { ok: false, reason: 'account_disabled' };
    const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
    if (iat < user.sessionsValidFrom) return { ok: false, reason: 'sessions_revoked' };
    if (hasGroupsOverage(claims)) {
      try {
        return { ok: true, groups: await this.memberGroups(oid) };
      } catch (error) {
        this.options.log('warn', 'overage.unresolved', { oid, error: describe(error) });
        return { ok: false, reason: 'groups_unresolved' };
      }
    }
    const tokenGroups = Array.isArray(claims.groups) ? (claims.groups as unknown[]) : [];
    const current = this.transitiveGroups(oid);
    return {
      ok: true,
      groups: tokenGroups.filter((g): g is string => typeof g === 'string' && current.has(g)),
    };
  }

  /** One delta round over users and groups; throws after recording the failure. */
  async syncOnce(): Promise<void> {
    try {
      const changedUsers = await this.drain(
        this.usersLink ?? `/users/delta?$select=${userSelect}`,
        (item) => this.applyUser(item),
        (link) => {
          this.usersLink = link;
        },
      );
      const changedGroups = await this.drain(
        this.groupsLink ?? '/groups/delta?$select=displayName,members',
        (item) => this.applyGroup(item),
        (link) => {
          this.groupsLink = link;
        },
      );
      if (changedUsers || changedGroups) {
        this.version++;
        this.transitiveMemo = new Map();
      }
      this.syncedAt = this.options.now();
      if (this.consecutiveFailures > 0)
        this.options.log('info', 'graph.recovered', { afterFailures: this.consecutiveFailures });
      this.consecutiveFailures = 0;
      this.lastError = undefined;
    } catch (error) {
      this.consecutiveFailures++;
      this.lastError = describe(error);
      this.options.log('warn', 'graph.sync_failed', {
        error: this.lastError,
        failures: this.consecutiveFailures,
        stalenessMs: Number.isFinite(this.stalenessMs()) ? this.stalenessMs() : null,
      });
      throw error;
    }
  }

  /** How long to wait after a round: the poll interval, or Graph's Retry-After, or exponential back-off. */
  nextDelay(error: unknown): number {
    const { pollIntervalMs } = this.options;
    if (error === undefined) return pollIntervalMs;
    if (error instanceof GraphUnavailable && error.retryAfterMs !== undefined)
      return Math.max(error.retryAfterMs, pollIntervalMs);
    const exponent = Math.min(this.consecutiveFailures, 10);
    return Math.min(pollIntervalMs * 2 ** exponent, this.options.maxBackoffMs ?? 30_000);
  }

  private async pollLoop(): Promise<void> {
    const sleep = this.options.sleep ?? abortableSleep;
    let lastError: unknown;
    while (!this.abort.signal.aborted) {
      await sleep(this.nextDelay(lastError), this.abort.signal);
      if (this.abort.signal.aborted) return;
      lastError = undefined;
      await this.syncOnce().catch((error: unknown) => {
        lastError = error ?? new Error('sync failed');
      });
    }
  }

  /** Follows @odata.nextLink pages to the @odata.deltaLink; returns whether anything changed. */
  private async drain(
    start: string,
    apply: (item: Record<string, unknown>) => boolean,
    keepLink: (deltaLink: string) => void,
  ): Promise<boolean> {
    let changed = false;
    let next: string | undefined = start;
    while (next) {
      const page = await this.options.graph.get(next);
      const items = Array.isArray(page.value) ? (page.value as Record<string, unknown>[]) : [];
      for (const item of items) if (apply(item)) changed = true;
      const nextLink = page['@odata.nextLink'];
      const deltaLink = page['@odata.deltaLink'];
      next = typeof nextLink === 'string' ? nextLink : undefined;
      if (!next) {
        if (typeof deltaLink !== 'string') throw new Error('a delta page had neither nextLink nor deltaLink');
        keepLink(deltaLink);
      }
    }
    return changed;
  }

  private applyUser(item: Record<string, unknown>): boolean {
    const id = item.id;
    if (typeof id !== 'string') return false;
    if (item['@removed'] !== undefined) {
      this.overage.delete(id);
      return this.users.delete(id);
    }
    const existing = this.users.get(id);
    const known = existing ?? { accountEnabled: true, sessionsValidFrom: 0, guest: false };
    // With `Prefer: return=minimal` (or a minimal emulator) only changed properties arrive: merge.
    const next: UserRecord = {
      accountEnabled: typeof item.accountEnabled === 'boolean' ? item.accountEnabled : known.accountEnabled,
      sessionsValidFrom:
        typeof item.signInSessionsValidFromDateTime === 'string'
          ? Date.parse(item.signInSessionsValidFromDateTime) || 0
          : known.sessionsValidFrom,
      guest: typeof item.userType === 'string' ? item.userType === 'Guest' : known.guest,
    };
    this.users.set(id, next);
    return (
      next.accountEnabled !== known.accountEnabled ||
      next.sessionsValidFrom !== known.sessionsValidFrom ||
      next.guest !== known.guest ||
      existing === undefined
    );
  }

  private applyGroup(item: Record<string, unknown>): boolean {
    const id = item.id;
    if (typeof id !== 'string') return false;
    if (item['@removed'] !== undefined) {
      for (const member of this.members.get(id) ?? []) this.unlink(id, member);
      this.members.delete(id);
      this.overage.clear();
      return true;
    }
    let changed = false;
    if (!this.members.has(id)) {
      this.members.set(id, new Set());
      changed = true;
    }
    const delta = item['members@delta'];
    if (!Array.isArray(delta)) return changed;
    for (const entry of delta as Record<string, unknown>[]) {
      const member = entry.id;
      if (typeof member !== 'string') continue;
      const isGroup = entry['@odata.type'] === '#microsoft.graph.group';
      if (entry['@removed'] !== undefined) this.unlink(id, member);
      else this.link(id, member);
      // A nested group changes many users' transitive groups: drop all overage caches.
      if (isGroup) this.overage.clear();
      else this.overage.delete(member);
      changed = true;
    }
    return changed;
  }

  private link(group: string, member: string): void {
    this.members.get(group)?.add(member);
    let groups = this.memberOf.get(member);
    if (!groups) {
      groups = new Set();
      this.memberOf.set(member, groups);
    }
    groups.add(group);
  }

  private unlink(group: string, member: string): void {
    this.members.get(group)?.delete(member);
    this.memberOf.get(member)?.delete(group);
  }

  /** Groups the object is a member of, directly or through nested groups. */
  private transitiveGroups(id: string): ReadonlySet<string> {
    const memo = this.transitiveMemo.get(id);
    if (memo) return memo;
    const seen = new Set<string>();
    const queue = [...(this.memberOf.get(id) ?? [])];
    while (queue.length > 0) {
      const group = queue.pop() as string;
      if (seen.has(group)) continue;
      seen.add(group);
      for (const parent of this.memberOf.get(group) ?? []) queue.push(parent);
    }
    this.transitiveMemo.set(id, seen);
    return seen;
  }

  private memberGroups(oid: string): Promise<readonly string[]> {
    const cached = this.overage.get(oid);
    if (cached && this.options.now() - cached.fetchedAt <= this.options.maxStalenessMs)
      return Promise.resolve(cached.groups);
    let pending = this.overageInFlight.get(oid);
    if (!pending) {
      pending = (async () => {
        // Transitive, like the token's groups claim; securityEnabledOnly matches groupMembershipClaims=SecurityGroup.
        const answer = await this.options.graph.post(`/users/${encodeURIComponent(oid)}/getMemberGroups`, {
          securityEnabledOnly: true,
        });
        const groups = Array.isArray(answer.value)
          ? answer.value.filter((g): g is string => typeof g === 'string')
          : [];
        this.overage.set(oid, { groups, fetchedAt: this.options.now() });
        return groups;
      })().finally(() => this.overageInFlight.delete(oid));
      this.overageInFlight.set(oid, pending);
    }
    return pending;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
