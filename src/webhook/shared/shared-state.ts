/**
 * The live state shared through Redis (issue #13 item 4): one leader per
 * tenant and grant scope polls Graph and writes every batch to the stream;
 * every replica — the leader included — applies the stream to its in-memory
 * state and answers reviews from memory.
 *
 *   lease loop   every TTL/3: renew the lease (leader) or try to take it;
 *                the leader also writes a snapshot every snapshot interval
 *   reader loop  XREAD BLOCK from the last applied entry; a sequence gap
 *                (entries trimmed while this replica was away) resets the
 *                state and asks the leader for a full round
 *   poll loop    EntraState's, running rounds only while this replica leads,
 *                each after catching up with the stream (its delta links
 *                are the last ones written)
 *
 * A restarted replica loads the snapshot and reads the stream from its
 * position: no Graph traffic. A corrupt or foreign snapshot is ignored with a
 * warning and the leader lists everything again. While Redis is unreachable
 * the state stops moving, its age grows and reviews fail closed after
 * maxStalenessSeconds; the lease lapses and the role moves to whoever reaches
 * Redis first; when Redis returns, every loop picks up without a restart.
 */
import { abortableSleep } from '../abortable-sleep.js';
import type { DeltaStream } from '../directory-changes.js';
import type { EntraState } from '../entra-state.js';
import type { Log } from '../log.js';
import type { RedisStateStore } from './redis-store.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotIdentity } from './snapshot.js';

/** Stream entries after the snapshot before a new one is written although nothing changed (trims the stream). */
const snapshotMaxEntriesBehind = 1000;
/** appliedN before the first entry when the stream gave no position (only a full round can follow). */
const unknownPosition = -1;

export interface SharedStateOptions {
  store: RedisStateStore;
  /** The store's URL without credentials, for logs and /readyz. */
  storeName: string;
  identity: SnapshotIdentity;
  /** This process, in the lease (random per start). */
  holder: string;
  leaseTtlMs: number;
  snapshotIntervalMs: number;
  now: () => number;
  log: Log;
}

export class SharedLiveState {
  private state: EntraState | undefined;
  leader = false;
  private fence = 0;
  /** Sequence number of the last entry written (leader) or seen at the tail. */
  private tailN = 0;
  private position = '0';
  appliedN = 0;
  private lastRenewAt = 0;
  private lastSnapshotAt = 0;
  private previousSnapshotId: string | undefined;
  /** State version and stream position of the last snapshot written here. */
  private snapshotVersion = -1;
  private snapshotN = 0;
  /** Whether the last store command succeeded; undefined before the first. */
  storeUp: boolean | undefined;
  private readonly waiters: Array<{ n: number; resolve: () => void; reject: (error: Error) => void }> = [];
  /**
   * Streams whose entries are skipped until a full round of them begins: after starting from the tail
   * without a snapshot, or after a gap, only a complete listing makes the state whole again.
   */
  private readonly awaitingFull = new Set<DeltaStream>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SharedStateOptions) {}

  /** The hooks EntraState needs: the leader's sink, when to poll, and catching up before a round. */
  hooks(): { sink: EntraStateSink; shouldPoll: () => boolean; beforeRound: () => Promise<void> } {
    return {
      sink: (batch) => this.append(batch),
      shouldPoll: () => this.leader,
      beforeRound: () => this.beforeRound(),
    };
  }

  /** Connects, loads the snapshot, starts following the stream and competing for the lease. */
  async start(state: EntraState): Promise<void> {
    this.state = state;
    const { store, log, storeName } = this.options;
    try {
      await store.connect();
      this.storeUp = true;
      await this.position0();
      await this.leaseStep();
    } catch (error) {
      this.storeUp = false;
      log('warn', 'store.unreachable', { store: storeName, error: describe(error) });
    }
    this.loops = [this.readLoop(), this.leaseLoop()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('stopping'));
    if (this.leader) await this.options.store.release(this.options.holder).catch(() => {});
    this.leader = false;
    this.options.store.disconnect();
    await Promise.all(this.loops);
  }

  /** Why this replica cannot answer yet because of the store, or undefined. */
  notReady(): string | undefined {
    if (this.storeUp === false && !this.state?.ready) return `store ${this.options.storeName} unreachable`;
    return undefined;
  }

  /** Entries between the stream's tail and what this replica applied. */
  lag(): number {
    return Math.max(0, this.tailN - this.appliedN);
  }

  /** Where to start reading: the snapshot's position, else the whole history, else the tail plus a full round. */
  private async position0(): Promise<void> {
    const { store, log, identity } = this.options;
    const text = await store.readSnapshot();
    if (text !== null) {
      const decoded = decodeSnapshot(text, identity);
      if (decoded.ok) {
        (this.state as EntraState).directory.load(decoded.snapshot.state);
        this.position = decoded.snapshot.streamId;
        this.appliedN = this.tailN = decoded.snapshot.n;
        log('info', 'store.snapshot_loaded', {
          streamId: this.position,
          users: decoded.snapshot.state.users.length,
          ageSeconds: Math.round((this.options.now() - decoded.snapshot.writtenAt) / 1000),
        });
        return;
      }
      log('warn', 'store.snapshot_rejected', { reason: decoded.reason, action: 'full resync from Graph' });
      await this.fromTailWithResync();
      return;
    }
    const first = await store.first();
    if (!first || first.n === 1) return; // the whole history is there: replay it
    await this.fromTailWithResync();
  }

  private async fromTailWithResync(): Promise<void> {
    const last = await this.options.store.last();
    this.position = last?.id ?? '0';
    // An empty (trimmed) stream tells no sequence number: take the next entry's as it comes.
    this.appliedN = this.tailN = last?.n ?? unknownPosition;
    this.awaitingFull.add('users').add('groups');
    await this.options.store.requestResync();
  }

  private async readLoop(): Promise<void> {
    const { store, log } = this.options;
    while (!this.abort.signal.aborted) {
      try {
        const entries = await store.read(this.position, 1000);
        this.storeReached();
        for (const entry of entries) {
          if (this.appliedN !== unknownPosition && entry.n !== this.appliedN + 1) {
            // Entries this replica never saw were trimmed: what it holds may miss a change. Start over.
            log('warn', 'store.stream_gap', {
              expected: this.appliedN + 1,
              got: entry.n,
              action: 'full resync',
            });
            this.state?.reset();
            this.awaitingFull.add('users').add('groups');
            await store.requestResync();
          }
          const { batch } = entry;
          if (batch.fullStart) this.awaitingFull.delete(batch.stream);
          if (!this.awaitingFull.has(batch.stream)) this.state?.apply(batch);
          this.position = entry.id;
          this.appliedN = entry.n;
          this.tailN = Math.max(this.tailN, entry.n);
        }
        this.release();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (this.storeUp !== false)
          log('warn', 'store.unreachable', { store: this.options.storeName, error: describe(error) });
        this.storeUp = false;
        await abortableSleep(500, this.abort.signal);
      }
    }
  }

  private async leaseLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await abortableSleep(this.options.leaseTtlMs / 3, this.abort.signal);
      if (this.abort.signal.aborted) return;
      try {
        await this.leaseStep();
        this.storeReached();
        if (this.leader) await this.snapshotIfDue();
      } catch (error) {
        if (this.storeUp !== false)
          this.options.log('warn', 'store.unreachable', {
            store: this.options.storeName,
            error: describe(error),
          });
        this.storeUp = false;
      }
      // Not renewed within the TTL: someone else may hold the lease by now.
      if (this.leader && this.options.now() - this.lastRenewAt > this.options.leaseTtlMs)
        this.demote('lease lapsed');
    }
  }

  private storeReached(): void {
    if (this.storeUp === false) {
      this.options.log('info', 'store.recovered', { store: this.options.storeName });
      // The store may have come back empty: write the next snapshot even if nothing changed.
      this.snapshotVersion = -1;
    }
    this.storeUp = true;
  }

  private async leaseStep(): Promise<void> {
    const { store, holder, leaseTtlMs, now, log } = this.options;
    if (this.leader) {
      if (await store.renew(holder, leaseTtlMs)) this.lastRenewAt = now();
      else this.demote('lease taken');
      return;
    }
    const fence = await store.acquire(holder, leaseTtlMs);
    if (fence === undefined) return;
    this.fence = fence;
    this.lastRenewAt = now();
    this.tailN = (await store.last())?.n ?? 0;
    this.leader = true;
    this.lastSnapshotAt = now();
    log('info', 'store.leader', { holder, fence });
  }

  private demote(why: string): void {
    this.leader = false;
    this.options.log('warn', 'store.follower', { holder: this.options.holder, reason: why });
  }

  /** Leader: before polling, apply everything in the stream (delta links included); honour resync requests. */
  private async beforeRound(): Promise<void> {
    const { store } = this.options;
    const last = await store.last();
    this.tailN = Math.max(this.tailN, last?.n ?? 0);
    await this.applied(this.tailN);
    if (await store.takeResyncRequest()) {
      this.options.log('info', 'store.full_resync', { reason: 'a replica asked for one' });
      await this.append({ stream: 'users', changes: [], cursor: null });
      await this.append({ stream: 'groups', changes: [], cursor: null });
    }
  }

  /** Leader: writes a batch (fenced) and waits until this replica applied it. */
  private async append(batch: Parameters<EntraStateSink>[0]): Promise<void> {
    if (!this.leader) throw new Error('not the leader any more');
    const n = this.tailN + 1;
    try {
      await this.options.store.append(this.options.holder, this.fence, n, batch);
    } catch (error) {
      if (/KENTRA_NOT_LEADER|KENTRA_FENCED/.test(describe(error))) this.demote('fenced');
      throw error;
    }
    this.tailN = n;
    await this.applied(n);
  }

  private async snapshotIfDue(): Promise<void> {
    const { now, snapshotIntervalMs, store, identity } = this.options;
    const state = this.state;
    if (!state?.ready || now() - this.lastSnapshotAt < snapshotIntervalMs) return;
    // Nothing changed and the stream is short: the snapshot there is as good (and Redis is spared a write).
    if (state.version === this.snapshotVersion && this.appliedN - this.snapshotN < snapshotMaxEntriesBehind)
      return;
    const streamId = this.position;
    const text = encodeSnapshot({
      ...identity,
      streamId,
      n: this.appliedN,
      writtenAt: now(),
      state: state.directory.dump(),
    });
    // Keep the entries since the previous snapshot: a replica a little behind still finds its position.
    await store.writeSnapshot(text, this.previousSnapshotId);
    this.previousSnapshotId = streamId;
    this.lastSnapshotAt = now();
    this.snapshotVersion = state.version;
    this.snapshotN = this.appliedN;
  }

  /** Resolves once this replica applied entry `n`; fails after `timeoutMs` (the store went away meanwhile). */
  private applied(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.appliedN >= n) return Promise.resolve();
    if (this.abort.signal.aborted) return Promise.reject(new Error('stopping'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`the shared stream did not deliver entry ${n} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter && waiter.n <= this.appliedN) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

type EntraStateSink = NonNullable<ConstructorParameters<typeof EntraState>[0]['sink']>;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
