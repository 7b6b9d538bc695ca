/**
 * PIM for Groups as kentra reads it from Graph v1.0: eligibility, activations
 * (assignment schedule instances), requests and a group's activation policy,
 * parsed leniently (a missing field is undefined, never a crash) because the
 * answers come from outside. Enum values are compared case-insensitively:
 * Graph documents `assigned` and its examples say `Assigned`.
 */

export interface GroupName {
  id: string;
  displayName?: string;
}

export interface Eligibility {
  group: GroupName;
  /** ISO time; undefined when Graph did not say. */
  start?: string;
  /** ISO time, or null for no end. */
  end: string | null;
}

export interface Membership {
  group: GroupName;
  principalId: string;
  /** `activated`: through PIM, ends; `assigned`: a permanent (or admin-assigned) member. */
  kind: 'activated' | 'assigned';
  start?: string;
  end: string | null;
}

export interface ElevationRequest {
  id: string;
  group: GroupName;
  principalId: string;
  action: string;
  status: string;
  justification: string | null;
  createdDateTime?: string;
  completedDateTime?: string | null;
  approvalId: string | null;
  createdBy?: string;
  /** The requested expiration (`PT2H` or an end time), as written. */
  duration?: string | null;
  endDateTime?: string | null;
  startDateTime?: string | null;
}

export interface ActivationPolicy {
  /** ISO 8601, e.g. PT8H. */
  maximumDuration?: string;
  justification: boolean;
  mfa: boolean;
  ticket: boolean;
  approval: boolean;
  /** The `acrs` value the activating token must carry, when the policy names one. */
  authenticationContext?: string;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const object = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

function groupOf(item: Json): GroupName {
  const expanded = object(item.group);
  const displayName = text(expanded.displayName);
  return { id: (text(item.groupId) ?? '').toLowerCase(), ...(displayName ? { displayName } : {}) };
}

export function parseEligibility(value: unknown): Eligibility | undefined {
  const item = object(value);
  if (!text(item.groupId)) return undefined;
  // Instances carry start/end; schedules carry scheduleInfo.
  const schedule = object(item.scheduleInfo);
  const expiration = object(schedule.expiration);
  return {
    group: groupOf(item),
    start: text(item.startDateTime) ?? text(schedule.startDateTime),
    end: text(item.endDateTime) ?? text(expiration.endDateTime) ?? null,
  };
}

export function parseMembership(value: unknown): Membership | undefined {
  const item = object(value);
  if (!text(item.groupId) || !text(item.principalId)) return undefined;
  return {
    group: groupOf(item),
    principalId: String(item.principalId).toLowerCase(),
    kind: same(item.assignmentType, 'activated') ? 'activated' : 'assigned',
    start: text(item.startDateTime),
    end: text(item.endDateTime) ?? null,
  };
}

export function parseRequest(value: unknown): ElevationRequest | undefined {
  const item = object(value);
  if (!text(item.id) || !text(item.groupId)) return undefined;
  const schedule = object(item.scheduleInfo);
  const expiration = object(schedule.expiration);
  const createdBy = object(object(item.createdBy).user);
  return {
    id: String(item.id),
    group: groupOf(item),
    principalId: (text(item.principalId) ?? '').toLowerCase(),
    action: text(item.action) ?? '',
    status: text(item.status) ?? '',
    justification: text(item.justification) ?? null,
    createdDateTime: text(item.createdDateTime),
    completedDateTime: text(item.completedDateTime) ?? null,
    approvalId: text(item.approvalId) ?? null,
    createdBy: text(createdBy.id),
    duration: text(expiration.duration) ?? null,
    endDateTime: text(expiration.endDateTime) ?? null,
    startDateTime: text(schedule.startDateTime) ?? null,
  };
}

/** The activation policy from a policy's rules (`…_EndUser_Assignment`), the shape $expand=rules gives. */
export function policyFromRules(rules: readonly unknown[]): ActivationPolicy {
  const byId = new Map<string, Json>();
  for (const rule of rules) {
    const item = object(rule);
    const id = text(item.id);
    if (id) byId.set(id.toLowerCase(), item);
  }
  const rule = (id: string) => byId.get(id.toLowerCase()) ?? {};
  const enabled = (rule('Enablement_EndUser_Assignment').enabledRules as unknown[] | undefined) ?? [];
  const isEnabled = (name: string) => enabled.some((e) => same(e, name));
  const approval = object(rule('Approval_EndUser_Assignment').setting);
  const context = rule('AuthenticationContext_EndUser_Assignment');
  const claimValue = text(context.claimValue);
  const maximumDuration = text(rule('Expiration_EndUser_Assignment').maximumDuration);
  return {
    ...(maximumDuration ? { maximumDuration } : {}),
    justification: isEnabled('Justification'),
    mfa: isEnabled('MultiFactorAuthentication'),
    ticket: isEnabled('Ticketing'),
    approval: approval.isApprovalRequired === true,
    ...(context.isEnabled === true && claimValue ? { authenticationContext: claimValue } : {}),
  };
}

/** A request that has not taken effect and may still: waiting for an approver or for its start. */
export function isPending(request: ElevationRequest): boolean {
  return [
    'pendingapproval',
    'pendingadmindecision',
    'pendingprovisioning',
    'pendingschedulecreation',
    'granted',
  ].includes(request.status.toLowerCase());
}
