/**
 * PIM for Groups objects as Graph v1.0 JSON: eligibility and assignment
 * schedules and their instances, schedule requests, approvals, and a group's
 * role management policy with its rules
 * (v1.0 resources/privilegedaccessgroup*.md, unifiedrolemanagementpolicy*.md).
 * Permanent members appear as `assigned` assignments without an end, as PIM
 * shows members added outside it; activations as `activated` ones.
 */
import { stableGuid } from '../ids.js';
import type { Group } from '../model.js';
import type {
  Activation,
  Approval,
  EligibilitySchedule,
  PimGroupPolicy,
  ScheduleRequest,
} from '../pim-model.js';
import type { Json } from './serialize.js';

const iso = (ms: number) => new Date(ms).toISOString();

function expiration(endDateTime: string | null): Json {
  return endDateTime === null
    ? { type: 'noExpiration', endDateTime: null, duration: null }
    : { type: 'afterDateTime', endDateTime, duration: null };
}

export function eligibilityScheduleJson(e: EligibilitySchedule): Json {
  return {
    id: e.id,
    createdDateTime: e.createdDateTime,
    modifiedDateTime: null,
    createdUsing: e.id,
    status: 'Provisioned',
    scheduleInfo: { startDateTime: e.startDateTime, recurrence: null, expiration: expiration(e.endDateTime) },
    accessId: e.accessId,
    principalId: e.principalId,
    groupId: e.groupId,
    memberType: 'direct',
  };
}

export function eligibilityInstanceJson(e: EligibilitySchedule): Json {
  return {
    id: e.id,
    startDateTime: e.startDateTime,
    endDateTime: e.endDateTime,
    accessId: e.accessId,
    principalId: e.principalId,
    groupId: e.groupId,
    memberType: 'direct',
    eligibilityScheduleId: e.id,
  };
}

/** A membership as PIM lists it: an activation, or a permanent member. */
export type Assignment =
  | { kind: 'activated'; activation: Activation }
  | { kind: 'assigned'; group: Group; principalId: string };

function assignmentId(a: Assignment): string {
  return a.kind === 'activated'
    ? a.activation.id
    : `${a.group.id}_member_${stableGuid(a.group.id, 'permanent', a.principalId)}`;
}

function assignmentCore(a: Assignment): Json {
  const activation = a.kind === 'activated' ? a.activation : undefined;
  return {
    accessId: activation?.accessId ?? 'member',
    principalId: activation?.principalId ?? (a.kind === 'assigned' ? a.principalId : ''),
    groupId: activation?.groupId ?? (a.kind === 'assigned' ? a.group.id : ''),
    memberType: 'direct',
    assignmentType: a.kind,
  };
}

export function assignmentScheduleJson(a: Assignment): Json {
  const activation = a.kind === 'activated' ? a.activation : undefined;
  const start = activation ? iso(activation.start) : a.kind === 'assigned' ? a.group.createdDateTime : null;
  return {
    id: assignmentId(a),
    createdDateTime: activation?.createdDateTime ?? start,
    modifiedDateTime: null,
    createdUsing: activation?.requestId ?? assignmentId(a),
    status: activation && !activation.active ? 'Granted' : 'Provisioned',
    scheduleInfo: {
      startDateTime: start,
      recurrence: null,
      expiration: expiration(activation ? iso(activation.end) : null),
    },
    ...assignmentCore(a),
  };
}

export function assignmentInstanceJson(a: Assignment): Json {
  const activation = a.kind === 'activated' ? a.activation : undefined;
  return {
    id: assignmentId(a),
    startDateTime: activation
      ? iso(activation.start)
      : a.kind === 'assigned'
        ? a.group.createdDateTime
        : null,
    endDateTime: activation ? iso(activation.end) : null,
    ...assignmentCore(a),
    assignmentScheduleId: assignmentId(a),
  };
}

export function requestJson(r: ScheduleRequest): Json {
  return {
    id: r.id,
    status: r.status,
    completedDateTime: r.completedDateTime,
    createdDateTime: r.createdDateTime,
    approvalId: r.approvalId,
    customData: null,
    createdBy: { user: { id: r.createdBy.id, displayName: r.createdBy.displayName } },
    action: r.action,
    isValidationOnly: r.isValidationOnly,
    justification: r.justification,
    scheduleInfo: r.scheduleInfo && {
      startDateTime: r.scheduleInfo.startDateTime,
      recurrence: null,
      expiration: r.scheduleInfo.expiration,
    },
    ticketInfo: r.ticketInfo,
    accessId: r.accessId,
    principalId: r.principalId,
    groupId: r.groupId,
    targetScheduleId: r.targetScheduleId,
  };
}

export function approvalJson(approval: Approval, assignedToMe: boolean): Json {
  return {
    id: approval.id,
    stages: approval.stages.map((stage) => ({
      id: stage.id,
      displayName: null,
      status: stage.status,
      assignedToMe: assignedToMe && stage.status === 'InProgress',
      reviewResult: stage.reviewResult,
      justification: stage.justification,
      reviewedBy: stage.reviewedBy,
      reviewedDateTime: stage.reviewedDateTime,
    })),
  };
}

export function policyJson(policy: PimGroupPolicy): Json {
  return {
    id: policy.policyId,
    displayName: 'Group',
    description: 'Group',
    isOrganizationDefault: false,
    scopeId: policy.groupId,
    scopeType: 'Group',
    lastModifiedDateTime: null,
    lastModifiedBy: null,
  };
}

export function policyAssignmentJson(policy: PimGroupPolicy): Json {
  return {
    id: `${policy.policyId}_member`,
    policyId: policy.policyId,
    scopeId: policy.groupId,
    scopeType: 'Group',
    roleDefinitionId: 'member',
  };
}

function target(caller: 'Admin' | 'EndUser', level: 'Assignment' | 'Eligibility'): Json {
  return { caller, operations: ['All'], level, inheritableSettings: [], enforcedSettings: [] };
}

const ruleType = (name: string) => `#microsoft.graph.unifiedRoleManagementPolicy${name}Rule`;

/**
 * The rules activation reads (the `*_EndUser_Assignment` ones) and the two
 * admin expirations; Entra has 17 in all (concepts/identity-governance-pim-rules-overview.md).
 */
export function policyRulesJson(policy: PimGroupPolicy): Json[] {
  const enabled = [
    ...(policy.requireJustification ? ['Justification'] : []),
    ...(policy.requireMfa ? ['MultiFactorAuthentication'] : []),
    ...(policy.requireTicket ? ['Ticketing'] : []),
  ];
  const approvers = policy.approvers.map((a) =>
    a.kind === 'user'
      ? { '@odata.type': '#microsoft.graph.singleUser', userId: a.id, description: null }
      : { '@odata.type': '#microsoft.graph.groupMembers', groupId: a.id, description: null },
  );
  return [
    {
      '@odata.type': ruleType('Expiration'),
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: false,
      maximumDuration: 'P365D',
      target: target('Admin', 'Eligibility'),
    },
    {
      '@odata.type': ruleType('Expiration'),
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: 'P180D',
      target: target('Admin', 'Assignment'),
    },
    {
      '@odata.type': ruleType('Expiration'),
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: policy.maximumDuration,
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': ruleType('Enablement'),
      id: 'Enablement_EndUser_Assignment',
      enabledRules: enabled,
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': ruleType('Approval'),
      id: 'Approval_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: approvers.length > 0,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approvers,
            escalationApprovers: [],
          },
        ],
      },
    },
    {
      '@odata.type': ruleType('AuthenticationContext'),
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: policy.authenticationContext !== undefined,
      claimValue: policy.authenticationContext ?? null,
      target: target('EndUser', 'Assignment'),
    },
  ];
}
