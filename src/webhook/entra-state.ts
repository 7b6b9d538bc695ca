/**
 * Entra's live view for reviews: the directory state (directory-state.ts) kept
 * current by the delta poller (delta-poller.ts), plus groups overage resolved
 * on demand. It is what makes offboarding instant: a review checks the user's
 * account, session revocation and group memberships here, on every request,
 * although the token itself stays valid for an hour. It also makes a new
 * membership count at once (a PIM activation, issue #17): a group the access
 * file names is granted while its user is a member now, even if the token was
 * issued before.
 *
 * Every page Graph delivers is applied at once; a round that fails later loses
 * nothing already applied and hides nothing (the version moves per page).
 *
 * Staleness is explicit: `syncedAt` is the start of the older of the two
 * streams' last complete rounds. While Graph throttles (429 + Retry-After) or
 * is unavailable (503) the poller backs off and reviews keep being answered
 * from the last known state, until that state is older than `maxStalenessMs`;
 * then every review is denied (fail closed) until a round succeeds again.
 *
 * Groups overage (the token lists no groups but has more: `_claim_names` or
 * `hasgroups`; decided in domain/entra/claims.ts) is resolved with
 * `POST /users/{id}/getMemberGroups`, cached per user until any change
 * concerning that user is applied.
 */
import { hasGroupsOverage } from '../domain/entra/claims.js';
import { abortableSleep } from './abortable-sleep.js';
import { DeltaPoller } from './delta-poller.js';
import type { ChangeBatch } from './directory-changes.js';
import { DirectoryState, type GroupScope } from './directory-state.js';
import { type GraphReader, GraphUnavailable } from './graph-reader.js';
import type { Log } from './log.js';

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
  /** The groups the access file grants through; without it every group's members are held. */
  scope?: GroupScope;
  log: Log;
  /** Sleeps that stop() can cut short; injected so tests control time. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Where the poller's batches go (default: applied here). With a shared store the leader writes them
   * to the stream instead, and every replica applies them from there.
   */
  sink?: (batch: ChangeBatch) => Promise<void>;
  /** Whether this process polls Graph now (default: always; with a shared store: while it leads). */
  shouldPoll?: () => boolean;
  /** Runs before each round this process polls (the leader catches up with the stream first). */
  beforeRound?: () => Promise<void>;
}

export class EntraState {
  /** Replaced only by reset(). */
  directory: DirectoryState;
  private readonly poller: DeltaPoller;
  private readonly overage = new Map<
    string,
    { groups: readonly string[]; fetchedAt: number; stamp: number }
  >();
  private readonly overageInFlight = new Map<string, Promise<readonly string[]>>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  consecutiveFailures = 0;
  lastError: string | undefined;

  constructor(private readonly options: EntraStateOptions) {
    this.directory = new DirectoryState(options.scope);
    this.poller = new DeltaPoller({
      graph: options.graph,
      now: options.now,
      sink: options.sink ?? (async (batch) => this.apply(batch)),
      position: () => ({
        cursors: this.directory.cursors,
        pendingMembers: this.directory.pendingMembers(),
      }),
      log: options.log,
    });
  }

  /** Applies one batch (from this process's poller or from the shared stream). */
  apply(batch: ChangeBatch): void {
    this.directory.apply(batch);
  }

  /** Forgets everything (a gap in the shared stream): not ready until a full round arrives. */
  reset(): void {
    this.directory = new DirectoryState(this.options.scope);
    this.overage.clear();
  }

  /** Starts polling; resolves after the first synchronisation attempt (when this process polls). */
  start(): Promise<void> {
    const first = ((this.options.shouldPoll?.() ?? true) ? this.syncOnce() : Promise.resolve()).then(
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

  /** Start of the older stream's last complete round (0 before both completed one). */
  get syncedAt(): number {
    return this.directory.syncedAt;
  }

  /** Moves with every applied change. */
  get version(): number {
    return this.directory.version;
  }

  get ready(): boolean {
    return this.syncedAt > 0;
  }

  /** The last version at which anything concerning this user changed (remembered answers end there). */
  stampOf(oid: string): number {
    return this.directory.stampOf(oid);
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
    const user = this.directory.user(oid);
    if (!user) return { ok: false, reason: 'user_unknown' };
    if (!user.enabled) return { ok: false, reason: 'account_disabled' };
    const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
    if (iat < user.validFrom) return { ok: false, reason: 'sessions_revoked' };
    if (hasGroupsOverage(claims)) {
      try {
        const groups = await this.memberGroups(oid);
        return { ok: true, groups: groups.filter((g) => this.directory.isInScope(g)) };
      } catch (error) {
        this.options.log('warn', 'overage.unresolved', { oid, error: describe(error) });
        return { ok: false, reason: 'groups_unresolved' };
      }
    }
    const tokenGroups = Array.isArray(claims.groups) ? (claims.groups as unknown[]) : [];
    const current = this.directory.groupsOf(oid);
    const stillTrue = tokenGroups.filter((g): g is string => typeof g === 'string' && current.has(g));
    // Plus what is true now although the token does not say it (a PIM activation after the token was
    // issued): only groups the access file names, only the verified token's own user (its oid), and
    // nothing the token claims adds a group (its `groups` can only lose members above).
    const named = this.directory.namedGroupsOf(oid).filter((g) => !stillTrue.includes(g));
    return { ok: true, groups: [...stillTrue, ...named] };
  }

  /** One delta round over users and groups; throws after recording the failure. */
  async syncOnce(): Promise<void> {
    try {
      await this.options.beforeRound?.();
      await this.poller.round();
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
      if (this.options.shouldPoll && !this.options.shouldPoll()) continue;
      await this.syncOnce().catch((error: unknown) => {
        lastError = error ?? new Error('sync failed');
      });
    }
  }

  private memberGroups(oid: string): Promise<readonly string[]> {
    const cached = this.overage.get(oid);
    if (
      cached &&
      cached.stamp === this.directory.stampOf(oid) &&
      this.options.now() - cached.fetchedAt <= this.options.maxStalenessMs
    )
      return Promise.resolve(cached.groups);
    let pending = this.overageInFlight.get(oid);
    if (!pending) {
      const stamp = this.directory.stampOf(oid);
      pending = (async () => {
        // Transitive, like the token's groups claim; securityEnabledOnly matches groupMembershipClaims=SecurityGroup.
        const answer = await this.options.graph.post(`/users/${encodeURIComponent(oid)}/getMemberGroups`, {
          securityEnabledOnly: true,
        });
        const groups = Array.isArray(answer.value)
          ? answer.value.filter((g): g is string => typeof g === 'string')
          : [];
        this.overage.set(oid, { groups, fetchedAt: this.options.now(), stamp });
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
