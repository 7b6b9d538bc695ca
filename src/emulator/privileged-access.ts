/**
 * PIM for Groups, the behaviour behind the Graph routes: self-activation
 * checked against the group's policy (eligibility, duration, justification,
 * ticket, MFA, authentication context), approval when the policy asks for it,
 * self-deactivation, cancelling, and the schedule running out. An activation
 * is a real group membership (Directory.addMember), so groups/delta,
 * getMemberGroups, transitiveMemberOf and the groups claim of every token
 * issued while it lasts all show it; its end removes it again. Every step
 * writes PIM's directory audit records (names from Entra's audit activity
 * reference, docs/identity/monitoring-health/reference-audit-activities.md).
 *
 * Errors follow what Entra is documented or reported to return; the codes
 * marked "unverified" in ../../shared/reference/pim-for-groups.md are best
 * guesses written down there.
 */
import { parseIsoDuration } from '../domain/pim/iso-duration.js';
import { type Actor, type Directory, initiatedBy } from './directory.js';
import { GraphFailure } from './errors.js';
import { newGuid } from './ids.js';
import type { Group, Tenant, User } from './model.js';
import type {
  AccessId,
  Activation,
  Approval,
  EligibilitySchedule,
  PimGroupPolicy,
  RequestAction,
  ScheduleRequest,
} from './pim-model.js';
import type { ScheduleClock } from './schedule-clock.js';

/** PIM changes memberships as its own first-party app (the "MS-PIM" service principal; app ID unverified). */
export const pimActor: Actor = {
  kind: 'app',
  appId: '01fc33a7-78ba-4d2f-a4b7-768e336e890e',
  displayName: 'MS-PIM',
  servicePrincipalId: '',
};

/** Entra refuses to deactivate an activation younger than this (pim-how-to-activate-role, roles). */
export const minimumActiveMs = 5 * 60_000;

/** The signed-in user behind a delegated Graph call, with what their token proves. */
export interface PimCaller {
  user: User;
  /** The access token's `amr` (v1 tokens): `mfa` once a second factor was given. */
  amr: readonly string[];
  /** The access token's `acrs`: authentication contexts satisfied at sign-in. */
  acrs: readonly string[];
}

export interface RequestInput {
  action: RequestAction;
  groupId: string;
  principalId: string;
  accessId: AccessId;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null };
  /** Requested start (ms); undefined: now. */
  startMs: number | undefined;
  expiration: {
    type: 'afterDuration' | 'afterDateTime' | 'noExpiration' | 'notSpecified';
    duration: string | null;
    endDateTime: string | null;
  };
  isValidationOnly: boolean;
}

export type Decision = 'Approve' | 'Deny';

function policyFailed(rules: string[]): GraphFailure {
  // Message form from MicrosoftDocs/azure-docs#80426; the rule names for groups are unverified.
  return new GraphFailure(
    400,
    'RoleAssignmentRequestPolicyValidationFailed',
    `The following policy rules failed: ${JSON.stringify(rules)}`,
  );
}

/**
 * The authentication-context failure carries the claims challenge a client
 * signs in again with (ARM's message does, Azure/azure-powershell#25421; Graph's text is unverified).
 */
function acrsFailed(claimValue: string): GraphFailure {
  const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: claimValue } } });
  return new GraphFailure(
    400,
    'RoleAssignmentRequestAcrsValidationFailed',
    `The following policy rules failed: ["AcrsRule"]. Sign in again satisfying authentication context '${claimValue}': &claims=${encodeURIComponent(claims)}`,
  );
}

function bad(code: string, message: string): GraphFailure {
  return new GraphFailure(400, code, message);
}

const iso = (ms: number) => new Date(ms).toISOString();

export class PrivilegedAccess {
  /** The earliest schedule change still to apply (start or end), over all tenants. */
  private nextDueMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly directory: Directory,
    readonly clock: ScheduleClock,
  ) {
    for (const tenant of directory.tenants)
      for (const activation of tenant.privilegedAccess.activations) this.due(activation);
  }

  /** Eligibility of a user for a group now (or at `at`): a direct eligibility schedule in its window. */
  eligibility(
    tenant: Tenant,
    principalId: string,
    groupId: string,
    accessId: AccessId,
    at = this.clock.now(),
  ): EligibilitySchedule | undefined {
    return tenant.privilegedAccess.eligibility.find(
      (e) =>
        e.principalId === principalId &&
        e.groupId === groupId &&
        e.accessId === accessId &&
        Date.parse(e.startDateTime) <= at &&
        (e.endDateTime === null || Date.parse(e.endDateTime) > at),
    );
  }

  /** Activations of a principal in a group, in force or scheduled. */
  activation(tenant: Tenant, principalId: string, groupId: string): Activation | undefined {
    return tenant.privilegedAccess.activations.find(
      (a) => a.principalId === principalId && a.groupId === groupId,
    );
  }

  /** Whether a user may decide on requests for a group: a named approver, or in an approver group. */
  isApprover(tenant: Tenant, policy: PimGroupPolicy, userId: string): boolean {
    const groups = new Set(this.directory.transitiveGroupIds(tenant, userId));
    return policy.approvers.some((a) => (a.kind === 'user' ? a.id === userId : groups.has(a.id)));
  }

  /** POST assignmentScheduleRequests. */
  submit(tenant: Tenant, caller: PimCaller, input: RequestInput): ScheduleRequest {
    this.settle();
    const group = tenant.groups.get(input.groupId.toLowerCase());
    if (!group) throw bad('GroupNotFound', `The group '${input.groupId}' does not exist.`);
    if (input.accessId !== 'member')
      throw bad('InvalidRequest', 'The emulator models PIM for group membership (accessId member) only.');
    if (input.principalId.toLowerCase() !== caller.user.id)
      throw new GraphFailure(
        403,
        'Authorization_RequestDenied',
        'A self-service request must name the signed-in user as its principal.',
      );
    if (input.action === 'selfActivate') return this.activate(tenant, caller, group, input);
    if (input.action === 'selfDeactivate') return this.deactivate(tenant, caller, group, input);
    throw bad(
      'InvalidRequest',
      `The emulator serves the actions selfActivate and selfDeactivate, not '${input.action}'.`,
    );
  }

  private activate(tenant: Tenant, caller: PimCaller, group: Group, input: RequestInput): ScheduleRequest {
    const pim = tenant.privilegedAccess;
    const now = this.clock.now();
    const start = Math.max(now, input.startMs ?? now);
    const policy = pim.policies.get(group.id);
    const user = caller.user;
    if (this.activation(tenant, user.id, group.id) || group.members.has(user.id))
      throw bad('RoleAssignmentExists', 'The Role assignment already exists.');
    if (
      pim.requests.some(
        (r) => r.status === 'PendingApproval' && r.principalId === user.id && r.groupId === group.id,
      )
    )
      throw bad(
        'PendingRoleAssignmentRequest',
        'There is already an existing pending Role assignment request.',
      );
    const failed: string[] = [];
    if (!policy || !this.eligibility(tenant, user.id, group.id, input.accessId, start))
      failed.push('EligibilityRule');
    const maximumMs = parseIsoDuration(policy?.maximumDuration ?? 'PT8H') ?? 8 * 3_600_000;
    const durationMs = this.requestedDuration(input, start);
    if (durationMs === undefined || durationMs > maximumMs) failed.push('ExpirationRule');
    if (policy?.requireJustification && !input.justification?.trim()) failed.push('JustificationRule');
    if (policy?.requireTicket && !input.ticketInfo.ticketNumber?.trim()) failed.push('TicketingRule');
    if (policy?.requireMfa && !caller.amr.includes('mfa')) failed.push('MfaRule');
    if (failed.length > 0) throw policyFailed(failed);
    if (policy?.authenticationContext && !caller.acrs.includes(policy.authenticationContext))
      throw acrsFailed(policy.authenticationContext);
    const request = this.newRequest(caller, group, input, now, durationMs ?? 0);
    if (input.isValidationOnly) return { ...request, status: 'Granted' };
    pim.requests.push(request);
    this.audit(tenant, 'Add member to role requested (PIM activation)', 'Add', user, group, request, now);
    if (policy && policy.approvers.length > 0) {
      const approval: Approval = {
        id: request.id,
        requestId: request.id,
        stages: [
          {
            id: newGuid(),
            status: 'InProgress',
            reviewResult: 'NotReviewed',
            justification: null,
            reviewedBy: null,
            reviewedDateTime: null,
          },
        ],
      };
      pim.approvals.set(approval.id, approval);
      request.approvalId = approval.id;
      request.status = 'PendingApproval';
      this.audit(
        tenant,
        'Add member to role approval requested (PIM activation)',
        'Add',
        user,
        group,
        request,
        now,
      );
      return request;
    }
    this.schedule(tenant, group, request, start);
    return request;
  }

  /** The requested length in ms; undefined when the expiration is missing, open-ended or not after the start. */
  private requestedDuration(input: RequestInput, start: number): number | undefined {
    const { expiration } = input;
    let ms: number | undefined;
    if (expiration.type === 'afterDuration') ms = parseIsoDuration(expiration.duration ?? '');
    else if (expiration.type === 'afterDateTime') ms = Date.parse(expiration.endDateTime ?? '') - start;
    return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
  }

  private newRequest(
    caller: PimCaller,
    group: Group,
    input: RequestInput,
    now: number,
    durationMs: number,
  ): ScheduleRequest {
    return {
      id: newGuid(),
      action: input.action,
      status: 'Granted',
      groupId: group.id,
      principalId: caller.user.id,
      accessId: input.accessId,
      justification: input.justification,
      ticketInfo: input.ticketInfo,
      scheduleInfo:
        input.action === 'selfDeactivate'
          ? null
          : {
              startDateTime: iso(Math.max(now, input.startMs ?? now)),
              expiration: {
                type: input.expiration.type,
                endDateTime: input.expiration.endDateTime,
                duration: input.expiration.duration,
              },
            },
      createdDateTime: iso(now),
      completedDateTime: null,
      createdBy: { id: caller.user.id, displayName: caller.user.displayName },
      approvalId: null,
      targetScheduleId: null,
      isValidationOnly: input.isValidationOnly,
      durationMs,
    };
  }

  /** Creates the activation's schedule; it takes effect now or at its start. */
  private schedule(tenant: Tenant, group: Group, request: ScheduleRequest, start: number): void {
    const activation: Activation = {
      id: `${group.id}_${request.accessId}_${newGuid()}`,
      groupId: group.id,
      principalId: request.principalId,
      accessId: request.accessId,
      requestId: request.id,
      createdDateTime: iso(this.clock.now()),
      start,
      end: start + request.durationMs,
      active: false,
    };
    request.targetScheduleId = activation.id;
    tenant.privilegedAccess.activations.push(activation);
    this.due(activation);
    if (start <= this.clock.now()) this.provision(tenant, activation, start);
  }

  private provision(tenant: Tenant, activation: Activation, at: number): void {
    const group = tenant.groups.get(activation.groupId);
    const request = tenant.privilegedAccess.requests.find((r) => r.id === activation.requestId);
    activation.active = true;
    if (group) this.directory.addMember(tenant, group, activation.principalId, pimActor, at);
    if (request) {
      request.status = 'Provisioned';
      request.completedDateTime = iso(at);
      const user = tenant.users.get(request.principalId);
      if (group && user)
        this.audit(tenant, 'Add member to role completed (PIM activation)', 'Add', user, group, request, at);
    }
    this.due(activation);
  }

  private deactivate(tenant: Tenant, caller: PimCaller, group: Group, input: RequestInput): ScheduleRequest {
    const now = this.clock.now();
    const activation = this.activation(tenant, caller.user.id, group.id);
    if (!activation?.active) throw bad('RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    if (now - activation.start < minimumActiveMs)
      throw bad(
        'ActiveDurationTooShort',
        'The Role assignment cannot be deactivated within 5 minutes of its activation.',
      );
    const request = this.newRequest(caller, group, input, now, 0);
    request.targetScheduleId = activation.id;
    if (input.isValidationOnly) return request;
    request.status = 'Revoked';
    request.completedDateTime = iso(now);
    tenant.privilegedAccess.requests.push(request);
    this.audit(
      tenant,
      'Remove member from role requested (PIM deactivate)',
      'Delete',
      caller.user,
      group,
      request,
      now,
    );
    this.end(tenant, activation);
    this.audit(
      tenant,
      'Remove member from role completed (PIM deactivate)',
      'Delete',
      caller.user,
      group,
      request,
      now,
    );
    return request;
  }

  /** PATCH assignmentApprovals/{id}/stages/{stageId}: an approver's decision. */
  decide(
    tenant: Tenant,
    approvalId: string,
    stageId: string,
    reviewer: User,
    decision: string,
    justification: string | null,
  ): void {
    this.settle();
    const pim = tenant.privilegedAccess;
    const approval = pim.approvals.get(approvalId);
    const stage = approval?.stages.find((s) => s.id === stageId);
    const request = approval && pim.requests.find((r) => r.id === approval.requestId);
    if (!approval || !stage || !request)
      throw new GraphFailure(404, 'ResourceNotFound', `The approval '${approvalId}' was not found.`);
    const policy = pim.policies.get(request.groupId);
    if (!policy || request.principalId === reviewer.id || !this.isApprover(tenant, policy, reviewer.id))
      throw new GraphFailure(
        403,
        'Authorization_RequestDenied',
        'The caller is not an approver of this request.',
      );
    if (stage.status === 'Completed' || request.status !== 'PendingApproval')
      throw new GraphFailure(409, 'Conflict', 'The request has already been decided.');
    if (decision !== 'Approve' && decision !== 'Deny')
      throw bad('BadRequest', "'reviewResult' must be Approve or Deny.");
    const now = this.clock.now();
    Object.assign(stage, {
      status: 'Completed',
      reviewResult: decision,
      justification,
      reviewedBy: { id: reviewer.id, displayName: reviewer.displayName },
      reviewedDateTime: iso(now),
    });
    const group = tenant.groups.get(request.groupId);
    if (!group) return;
    const verdict = decision === 'Deny' ? 'denied' : 'approved';
    this.audit(
      tenant,
      `Add member to role request ${verdict} (PIM activation)`,
      'Update',
      reviewer,
      group,
      request,
      now,
      justification,
    );
    if (decision === 'Deny') {
      request.status = 'Denied';
      request.completedDateTime = iso(now);
      return;
    }
    // The activation's time runs from the approval, not from the request.
    this.schedule(tenant, group, request, now);
  }

  /** POST assignmentScheduleRequests/{id}/cancel: the requestor withdraws a request not yet in force. */
  cancel(tenant: Tenant, requestId: string, caller: User): void {
    this.settle();
    const pim = tenant.privilegedAccess;
    const request = pim.requests.find((r) => r.id === requestId);
    if (!request)
      throw new GraphFailure(404, 'ResourceNotFound', `The request '${requestId}' was not found.`);
    if (request.createdBy.id !== caller.id)
      throw new GraphFailure(403, 'Authorization_RequestDenied', 'Only the requestor may cancel a request.');
    const scheduled = pim.activations.find((a) => a.requestId === request.id && !a.active);
    if (request.status !== 'PendingApproval' && !scheduled)
      throw bad('InvalidRequest', `A request in status ${request.status} cannot be cancelled.`);
    if (scheduled) pim.activations.splice(pim.activations.indexOf(scheduled), 1);
    request.status = 'Canceled';
    request.completedDateTime = iso(this.clock.now());
  }

  /**
   * Applies what the schedule clock says is due: scheduled activations start,
   * ended ones are removed (the membership with them). Cheap when nothing is
   * due, so the router calls it before every request.
   */
  settle(): void {
    const now = this.clock.now();
    if (now < this.nextDueMs) return;
    this.nextDueMs = Number.POSITIVE_INFINITY;
    for (const tenant of this.directory.tenants) {
      for (const activation of [...tenant.privilegedAccess.activations]) {
        if (!activation.active && activation.start <= now)
          this.provision(tenant, activation, activation.start);
        if (activation.active && activation.end <= now) this.expire(tenant, activation);
        else this.due(activation);
      }
    }
  }

  private expire(tenant: Tenant, activation: Activation): void {
    const group = tenant.groups.get(activation.groupId);
    const user = tenant.users.get(activation.principalId);
    const request = tenant.privilegedAccess.requests.find((r) => r.id === activation.requestId);
    this.end(tenant, activation, activation.end);
    if (group && user && request)
      this.audit(
        tenant,
        'Remove member from role (PIM activation expired)',
        'Delete',
        pimActor,
        group,
        request,
        activation.end,
        null,
        user,
      );
  }

  private end(tenant: Tenant, activation: Activation, at = this.clock.now()): void {
    const list = tenant.privilegedAccess.activations;
    list.splice(list.indexOf(activation), 1);
    const group = tenant.groups.get(activation.groupId);
    if (group) this.directory.removeMember(tenant, group, activation.principalId, pimActor, at);
  }

  private due(activation: Activation): void {
    this.nextDueMs = Math.min(this.nextDueMs, activation.active ? activation.end : activation.start);
  }

  private audit(
    tenant: Tenant,
    activity: string,
    operationType: 'Add' | 'Update' | 'Delete',
    by: User | Actor,
    group: Group,
    request: ScheduleRequest,
    at: number,
    reviewJustification: string | null = null,
    subject?: User,
  ): void {
    const principal = subject ?? tenant.users.get(request.principalId);
    const actor: Actor =
      'kind' in by
        ? by
        : { kind: 'user', id: by.id, displayName: by.displayName, userPrincipalName: by.userPrincipalName };
    const activation = tenant.privilegedAccess.activations.find((a) => a.requestId === request.id);
    const details: [string, string | null | undefined][] = [
      ['RequestId', request.id],
      ['Justification', request.justification],
      ['TicketNumber', request.ticketInfo.ticketNumber],
      ['StartTime', activation ? iso(activation.start) : request.scheduleInfo?.startDateTime],
      ['ExpirationTime', activation ? iso(activation.end) : undefined],
      ['ReviewJustification', reviewJustification],
    ];
    this.directory.audits.push({
      id: `PIM_${newGuid()}`,
      tenantId: tenant.id,
      category: 'GroupManagement',
      activityDisplayName: activity,
      activityDateTime: iso(at),
      operationType,
      result: 'success',
      loggedByService: 'PIM',
      // One correlation ID per request: its requested, approved, completed and expired records belong together.
      correlationId: request.id,
      initiatedBy: initiatedBy(actor),
      targetResources: [
        { id: group.id, displayName: group.displayName, type: 'Group' },
        ...(principal
          ? [
              {
                id: principal.id,
                displayName: principal.displayName,
                type: 'User',
                userPrincipalName: principal.userPrincipalName,
              },
            ]
          : []),
      ],
      additionalDetails: details
        .filter((d): d is [string, string] => typeof d[1] === 'string' && d[1] !== '')
        .map(([key, value]) => ({ key, value })),
    });
  }
}
