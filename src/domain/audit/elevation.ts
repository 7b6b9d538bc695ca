/**
 * Just-in-time elevations (PIM for Groups) in the trail: each step PIM writes
 * to the directory audit log ("Add member to role requested (PIM activation)",
 * "… request approved …", "… completed …", "Remove member from role (PIM
 * activation expired)", …; names from Entra's audit activity reference),
 * enriched from the schedule requests (justification, requested length),
 * and the windows they open: a Kubernetes request granted through a group
 * while its user was elevated into it is shown with that elevation.
 */
import type { DirectoryAudit } from './group-change.js';

export type ElevationStep =
  | 'requested'
  | 'approval-requested'
  | 'approved'
  | 'denied'
  | 'activated'
  | 'deactivation-requested'
  | 'deactivated'
  | 'expired';

export interface ElevationEvent {
  kind: 'elevation';
  time: string;
  step: ElevationStep;
  member: { id?: string; upn?: string; displayName?: string };
  group: { id?: string; displayName?: string };
  /** Who did it: the member, an approver, or PIM itself (expiry). */
  by: { id?: string; upn?: string; displayName?: string; app?: string };
  justification?: string;
  /** The approver's reason (approved/denied). */
  reviewJustification?: string;
  /** The schedule request this step belongs to. */
  requestId?: string;
  start?: string;
  end?: string;
  /** For people: "devi@… activated oncall until 12:00 (INC-1)". */
  summary: string;
  directoryAuditId?: string;
}

/** A schedule request as Graph lists it (assignmentScheduleRequests), the fields the trail uses. */
export interface ScheduleRequestRecord {
  id: string;
  groupId: string;
  principalId: string;
  action?: string;
  justification?: string | null;
  createdDateTime?: string;
}

const steps: Record<string, ElevationStep> = {
  'add member to role requested (pim activation)': 'requested',
  'add member to role approval requested (pim activation)': 'approval-requested',
  'add member to role request approved (pim activation)': 'approved',
  'add member to role request denied (pim activation)': 'denied',
  'add member to role completed (pim activation)': 'activated',
  'remove member from role requested (pim deactivate)': 'deactivation-requested',
  'remove member from role completed (pim deactivate)': 'deactivated',
  'remove member from role (pim activation expired)': 'expired',
};

export function isScheduleRequestRecord(value: unknown): value is ScheduleRequestRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.groupId === 'string' &&
    typeof r.principalId === 'string' &&
    'action' in r
  );
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The elevation step a PIM directory audit records, or undefined for any other activity. */
export function elevationFrom(audit: DirectoryAudit): ElevationEvent | undefined {
  const step = steps[(audit.activityDisplayName ?? '').toLowerCase()];
  if (!step || !audit.activityDateTime) return undefined;
  const targets = audit.targetResources ?? [];
  const group = targets.find((t) => t.type?.toLowerCase() === 'group');
  const member = targets.find((t) => t.type?.toLowerCase() === 'user');
  const details = new Map(
    (audit.additionalDetails ?? []).flatMap((d) =>
      d.key && typeof d.value === 'string' ? [[d.key.toLowerCase(), d.value]] : [],
    ),
  );
  const detail = (key: string) => text(details.get(key.toLowerCase()));
  const by = audit.initiatedBy;
  const event: Omit<ElevationEvent, 'summary'> = {
    kind: 'elevation',
    time: audit.activityDateTime,
    step,
    member: compact({
      id: text(member?.id),
      upn: text(member?.userPrincipalName),
      displayName: text(member?.displayName),
    }),
    group: compact({ id: text(group?.id), displayName: text(group?.displayName) }),
    by: compact({
      id: text(by?.user?.id),
      upn: text(by?.user?.userPrincipalName),
      displayName: text(by?.user?.displayName),
      app: text(by?.app?.displayName) ?? text(by?.app?.appId),
    }),
    ...optional('justification', detail('Justification')),
    ...optional('reviewJustification', detail('ReviewJustification')),
    ...optional('requestId', detail('RequestId') ?? text(audit.correlationId)),
    ...optional('start', detail('StartTime')),
    ...optional('end', detail('ExpirationTime')),
    ...optional('directoryAuditId', text(audit.id)),
  };
  return { ...event, summary: describeElevation(event) };
}

/**
 * Fills what the audit records leave out from the schedule requests: the
 * justification, and the request ID when the audit carries none (matched by
 * member and group: the latest request made at or before the step).
 */
export function enrichElevations(events: ElevationEvent[], requests: readonly ScheduleRequestRecord[]): void {
  const byId = new Map(requests.map((r) => [r.id, r]));
  for (const event of events) {
    let request = event.requestId ? byId.get(event.requestId) : undefined;
    if (!request && event.member.id && event.group.id) {
      const time = Date.parse(event.time);
      request = requests
        .filter(
          (r) =>
            r.principalId.toLowerCase() === event.member.id?.toLowerCase() &&
            r.groupId.toLowerCase() === event.group.id?.toLowerCase() &&
            Date.parse(r.createdDateTime ?? '') <= time &&
            (r.action ?? '').toLowerCase() ===
              (event.step.startsWith('deactivat') ? 'selfdeactivate' : 'selfactivate'),
        )
        .sort((a, b) => Date.parse(b.createdDateTime ?? '') - Date.parse(a.createdDateTime ?? ''))[0];
    }
    if (!request) continue;
    event.requestId ??= request.id;
    if (!event.justification && request.justification) event.justification = request.justification;
    event.summary = describeElevation(event);
  }
}

const stepWords: Record<ElevationStep, string> = {
  requested: 'requested',
  'approval-requested': 'asked for approval to join',
  approved: 'approved',
  denied: 'denied',
  activated: 'activated',
  'deactivation-requested': 'asked to leave',
  deactivated: 'left',
  expired: 'expired from',
};

/** "elevation: devi@… activated oncall until 2026-…Z (INC-1)", "elevation: alex@… approved devi@…'s request for oncall". */
export function describeElevation(event: Omit<ElevationEvent, 'summary'>): string {
  const member = event.member.upn ?? event.member.displayName ?? event.member.id ?? 'someone';
  const group = event.group.displayName ?? event.group.id ?? 'a group';
  const by = event.by.upn ?? event.by.displayName ?? event.by.app ?? event.by.id ?? 'an approver';
  const reviewing = event.step === 'approved' || event.step === 'denied';
  const why = reviewing ? event.reviewJustification : event.justification;
  const reason = why ? ` (${why})` : '';
  switch (event.step) {
    case 'approved':
    case 'denied':
      return `elevation: ${by} ${event.step} ${member}'s request for ${group}${reason}`;
    case 'expired':
      return `elevation: ${member}'s elevation into ${group} expired`;
    case 'activated':
      return `elevation: ${member} activated ${group}${event.end ? ` until ${event.end}` : ''}${reason}`;
    default:
      return `elevation: ${member} ${stepWords[event.step]} ${group}${reason}`;
  }
}

/** An elevation in force: who, into which group, from when to when, why, approved by whom. */
export interface ElevationWindow {
  memberId: string;
  groupId: string;
  start: number;
  end: number;
  requestId?: string;
  justification?: string;
  approvedBy?: string;
}

/** The windows elevation events open and close, to tell which requests an elevation enabled. */
export class ElevationIndex {
  private readonly windows: ElevationWindow[] = [];

  constructor(events: readonly ElevationEvent[]) {
    const approvers = new Map<string, string>();
    for (const e of events)
      if (e.step === 'approved' && e.requestId)
        approvers.set(e.requestId, e.by.upn ?? e.by.displayName ?? e.by.id ?? '');
    const ordered = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (const e of ordered) {
      const memberId = e.member.id?.toLowerCase();
      const groupId = e.group.id?.toLowerCase();
      if (!memberId || !groupId) continue;
      if (e.step === 'activated') {
        const approvedBy = e.requestId ? approvers.get(e.requestId) : undefined;
        this.windows.push({
          memberId,
          groupId,
          start: Date.parse(e.start ?? e.time),
          // Until an end is recorded, the planned end (or open).
          end: e.end ? Date.parse(e.end) : Number.POSITIVE_INFINITY,
          ...optional('requestId', e.requestId),
          ...optional('justification', e.justification),
          ...optional('approvedBy', approvedBy || undefined),
        });
      } else if (e.step === 'deactivated' || e.step === 'expired') {
        const open = this.windows.findLast((w) => w.memberId === memberId && w.groupId === groupId);
        if (open) open.end = Math.min(open.end, Date.parse(e.time));
      }
    }
  }

  get size(): number {
    return this.windows.length;
  }

  /** The elevation of `memberId` into `groupId` in force at `time`, if any. */
  at(memberId: string, groupId: string, time: number): ElevationWindow | undefined {
    const m = memberId.toLowerCase();
    const g = groupId.toLowerCase();
    return this.windows.find((w) => w.memberId === m && w.groupId === g && w.start <= time && time < w.end);
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function compact<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const key of Object.keys(record) as (keyof T)[]) if (record[key] !== undefined) out[key] = record[key];
  return out;
}
