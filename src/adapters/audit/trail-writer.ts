import type { ElevationEvent } from '../../domain/audit/elevation.js';
import type { GroupChange } from '../../domain/audit/group-change.js';
import type { JoinMethod } from '../../domain/audit/join.js';
import type { SignIn } from '../../domain/audit/sign-in.js';
import type { TrailRecord } from '../../domain/audit/trail-record.js';

/** Counts for the end of a run (stderr summary, HTML footer). */
export interface TrailSummary {
  /** Audit events read (after parsing, before filters). */
  events: number;
  /** Records written (requests and group changes that passed the filters). */
  written: number;
  /** Lines skipped as corrupt or truncated. */
  skipped: number;
  /** Written requests per join method. */
  joins: Record<JoinMethod, number>;
  groupChanges: number;
  /** Elevation steps written (PIM requests, approvals, activations, ends). */
  elevations: number;
}

/** A renderer: receives the trail in order and writes it somewhere (stdout through BufferedOutput). */
export interface TrailWriter {
  request(record: TrailRecord, signIn: SignIn | undefined): void;
  groupChange(change: GroupChange): void;
  elevation(event: ElevationEvent): void;
  end(summary: TrailSummary): void;
}
