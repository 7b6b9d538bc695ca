/**
 * A snapshot of the directory state in the shared store: what a restarted
 * replica loads instead of resynchronising from Graph. It names what it is
 * (format, tenant, grant scope) and carries a SHA-256 of its state, so a
 * corrupt one, or one written for another tenant or access file, is refused
 * with a reason and never trusted.
 */
import { createHash } from 'node:crypto';
import type { DirectoryState } from '../directory-state.js';

export type StateDump = ReturnType<DirectoryState['dump']>;

export interface SnapshotIdentity {
  tenant: string;
  /** Fingerprint of the grant scope (the held memberships depend on it). */
  scope: string;
}

export interface Snapshot extends SnapshotIdentity {
  /** Stream entry the state includes, and its sequence number. */
  streamId: string;
  n: number;
  writtenAt: number;
  state: StateDump;
}

const format = 'kentra.webhook.state/v1';

export function encodeSnapshot(snapshot: Snapshot): string {
  const state = JSON.stringify(snapshot.state);
  const { state: _state, ...meta } = snapshot;
  return JSON.stringify({ format, ...meta, sha256: sha256(state), state });
}

/** The snapshot, or why it must not be used. */
export function decodeSnapshot(
  text: string,
  expected: SnapshotIdentity,
): { ok: true; snapshot: Snapshot } | { ok: false; reason: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'not JSON (corrupt)' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'not an object (corrupt)' };
  if (raw.format !== format)
    return { ok: false, reason: `format ${JSON.stringify(raw.format)}, expected ${format}` };
  // Integrity first: only an intact snapshot can tell whose it is.
  if (typeof raw.state !== 'string' || sha256(raw.state) !== raw.sha256)
    return { ok: false, reason: 'checksum mismatch (corrupt)' };
  if (raw.tenant !== expected.tenant) return { ok: false, reason: 'written for another tenant (foreign)' };
  if (raw.scope !== expected.scope)
    return { ok: false, reason: 'written for another access file scope (foreign)' };
  if (typeof raw.streamId !== 'string' || !Number.isInteger(raw.n) || typeof raw.writtenAt !== 'number')
    return { ok: false, reason: 'missing stream position (corrupt)' };
  let state: StateDump;
  try {
    state = JSON.parse(raw.state) as StateDump;
  } catch {
    return { ok: false, reason: 'state is not JSON (corrupt)' };
  }
  if (!wellFormed(state)) return { ok: false, reason: 'state has the wrong shape (corrupt)' };
  return {
    ok: true,
    snapshot: {
      tenant: expected.tenant,
      scope: expected.scope,
      streamId: raw.streamId,
      n: raw.n as number,
      writtenAt: raw.writtenAt,
      state,
    },
  };
}

/** A fingerprint of the grant scope: the same access file rules give the same store keys. */
export function scopeFingerprint(
  scope: { ids: readonly string[]; names: readonly string[] } | undefined,
): string {
  if (!scope) return 'all-groups';
  return sha256(JSON.stringify([[...scope.ids].sort(), [...scope.names].sort()])).slice(0, 16);
}

function wellFormed(state: StateDump): boolean {
  const isString = (v: unknown) => typeof v === 'string';
  return (
    Array.isArray(state?.users) &&
    state.users.every((u) => Array.isArray(u) && isString(u[0]) && typeof u[2] === 'number') &&
    Array.isArray(state.groups) &&
    state.groups.every(
      (g) =>
        Array.isArray(g) && isString(g[0]) && Array.isArray(g[2]) && (g[3] === null || Array.isArray(g[3])),
    ) &&
    Array.isArray(state.rootIds) &&
    Array.isArray(state.pending) &&
    typeof state.cursors === 'object' &&
    typeof state.syncedFrom?.users === 'number' &&
    typeof state.syncedFrom?.groups === 'number'
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
