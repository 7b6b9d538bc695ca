/**
 * Reads Graph's delta queries and hands every page, as soon as it arrived, to
 * a sink as one ChangeBatch: the local directory state, or the shared store's
 * stream when this replica leads. Nothing waits for the end of a round, so a
 * round that fails half-way loses nothing it already read; the delta link is
 * kept only when a round ends, so the next round reads again from the last
 * complete point (applying a page twice changes nothing).
 *
 * The two streams are drained independently: a failing `groups/delta` does not
 * hold back `users/delta`, and each stream's freshness is its own.
 * Groups that entered the held scope after their delta item are read on demand
 * (`/groups/{id}/members`) at the end of the round.
 */
import { GraphRequestError } from '../adapters/graph/client.js';
import {
  type ChangeBatch,
  type DeltaStream,
  groupChanges,
  groupsDeltaStart,
  type MemberRef,
  memberRef,
  userChanges,
  usersDeltaStart,
} from './directory-changes.js';
import { type GraphReader, GraphUnavailable } from './graph-reader.js';
import type { Log } from './log.js';

export interface DeltaPollerOptions {
  graph: GraphReader;
  now: () => number;
  /** Where each page goes, in order; resolves once it is applied (or durably written). */
  sink: (batch: ChangeBatch) => Promise<void>;
  /** The state the sink feeds: where each stream stands and which groups need their members read. */
  position: () => { cursors: Partial<Record<DeltaStream, string>>; pendingMembers: readonly string[] };
  log: Log;
}

const starts: Record<DeltaStream, string> = { users: usersDeltaStart, groups: groupsDeltaStart };
const toChanges = { users: userChanges, groups: groupChanges };

export class DeltaPoller {
  constructor(private readonly options: DeltaPollerOptions) {}

  /** One round over both streams, then the pending member reads; throws the first failure after trying all. */
  async round(): Promise<void> {
    const failures: unknown[] = [];
    for (const stream of ['users', 'groups'] as const)
      await this.drain(stream).catch((error: unknown) => failures.push(error));
    if (failures.length === 0)
      await this.readPendingMembers().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  private async drain(stream: DeltaStream): Promise<void> {
    const { graph, sink, now } = this.options;
    const startedAt = now();
    const cursor = this.options.position().cursors[stream];
    let next: string | undefined = cursor ?? starts[stream];
    let first = true;
    while (next) {
      let page: Record<string, unknown>;
      try {
        page = await graph.get(next);
      } catch (error) {
        if (cursor !== undefined && isResyncRequired(error)) {
          // The delta link expired (410): forget it; the next round lists everything again.
          this.options.log('warn', 'graph.resync_required', { stream });
          await sink({ stream, changes: [], cursor: null });
        }
        throw error;
      }
      const items = page.value;
      if (!Array.isArray(items))
        throw new GraphUnavailable(0, undefined, `${stream}/delta (a page without value)`);
      const nextLink = page['@odata.nextLink'];
      const deltaLink = page['@odata.deltaLink'];
      next = typeof nextLink === 'string' ? nextLink : undefined;
      if (!next && typeof deltaLink !== 'string')
        throw new GraphUnavailable(
          0,
          undefined,
          `${stream}/delta (a page with neither nextLink nor deltaLink)`,
        );
      const batch: ChangeBatch = { stream, changes: toChanges[stream](items) };
      if (first && cursor === undefined) batch.fullStart = true;
      if (!next) {
        batch.cursor = deltaLink as string;
        batch.syncedFrom = startedAt;
      }
      first = false;
      await sink(batch);
    }
  }

  private async readPendingMembers(): Promise<void> {
    for (const id of this.options.position().pendingMembers) {
      const members: MemberRef[] = [];
      let next: string | undefined = `/groups/${encodeURIComponent(id)}/members?$select=id`;
      try {
        while (next) {
          const page = await this.options.graph.get(next);
          for (const item of Array.isArray(page.value) ? page.value : []) {
            const ref = memberRef(item as Record<string, unknown>);
            if (ref) members.push(ref);
          }
          next = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
        }
      } catch (error) {
        // Deleted meanwhile: groups/delta will say so; until then it has no members.
        if (!(error instanceof GraphRequestError && error.status === 404)) throw error;
      }
      await this.options.sink({ stream: 'groups', changes: [{ t: 'group-members', id, members }] });
    }
  }
}

function isResyncRequired(error: unknown): boolean {
  return error instanceof GraphRequestError && error.status === 410;
}
