/**
 * The PIM for Groups part of a tenant: which groups are onboarded (each with
 * its member-activation policy), who is eligible, the activations in force,
 * the requests made and their approvals. Field names follow Graph v1.0
 * (privilegedAccessGroup* resources) so the Graph routes project them without
 * renaming. Permanent members are plain group members (Group.members); an
 * activation is a membership too, added and removed by PIM.
 */

/** A group's policy for end users activating membership (the `*_EndUser_Assignment` rules). */
export interface PimGroupPolicy {
  groupId: string;
  /** `Group_{groupId}_{guid}`: the roleManagementPolicy id. */
  policyId: string;
  /** Expiration_EndUser_Assignment.maximumDuration, ISO 8601 (e.g. PT8H). */
  maximumDuration: string;
  /** Enablement_EndUser_Assignment.enabledRules. */
  requireJustification: boolean;
  requireMfa: boolean;
  requireTicket: boolean;
  /** AuthenticationContext_EndUser_Assignment: the `acrs` value the token must carry (c1..c99). */
  authenticationContext: string | undefined;
  /** Approval_EndUser_Assignment primaryApprovers; approval is required when non-empty. */
  approvers: PimApprover[];
}

export type PimApprover = { kind: 'user'; id: string } | { kind: 'group'; id: string };

export type AccessId = 'member' | 'owner';

export interface EligibilitySchedule {
  /** `{groupId}_{accessId}_{guid}` */
  id: string;
  groupId: string;
  principalId: string;
  accessId: AccessId;
  createdDateTime: string;
  startDateTime: string;
  /** Null: no expiration. */
  endDateTime: string | null;
}

/** An activation in force (or scheduled to start): the assignmentSchedule PIM created for a request. */
export interface Activation {
  id: string;
  groupId: string;
  principalId: string;
  accessId: AccessId;
  /** The request that created it. */
  requestId: string;
  createdDateTime: string;
  /** Ms on the schedule clock. */
  start: number;
  end: number;
  /** False while a granted request waits for its start time. */
  active: boolean;
}

export type RequestStatus =
  | 'Canceled'
  | 'Denied'
  | 'Failed'
  | 'Granted'
  | 'PendingApproval'
  | 'Provisioned'
  | 'Revoked';

export type RequestAction =
  | 'adminAssign'
  | 'adminUpdate'
  | 'adminRemove'
  | 'selfActivate'
  | 'selfDeactivate'
  | 'adminExtend'
  | 'adminRenew';

export interface ScheduleRequest {
  id: string;
  action: RequestAction;
  status: RequestStatus;
  groupId: string;
  principalId: string;
  accessId: AccessId;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null };
  /** As requested (expiration type and duration or end), normalised to Graph's lowercase enums. */
  scheduleInfo: {
    startDateTime: string | null;
    expiration: { type: string; endDateTime: string | null; duration: string | null };
  } | null;
  createdDateTime: string;
  completedDateTime: string | null;
  createdBy: { id: string; displayName: string };
  approvalId: string | null;
  targetScheduleId: string | null;
  isValidationOnly: boolean;
  /** Requested length in ms (selfActivate), applied from the moment of approval when approval is needed. */
  durationMs: number;
}

export interface ApprovalStage {
  id: string;
  status: 'InProgress' | 'Completed';
  reviewResult: 'NotReviewed' | 'Approve' | 'Deny';
  justification: string | null;
  reviewedBy: { id: string; displayName: string } | null;
  reviewedDateTime: string | null;
}

export interface Approval {
  /** Equal to the request's id (the docs address approvals by the request id). */
  id: string;
  requestId: string;
  stages: ApprovalStage[];
}

export interface TenantPim {
  /** Onboarded groups by object ID. */
  policies: Map<string, PimGroupPolicy>;
  eligibility: EligibilitySchedule[];
  activations: Activation[];
  requests: ScheduleRequest[];
  approvals: Map<string, Approval>;
}

export function emptyPim(): TenantPim {
  return { policies: new Map(), eligibility: [], activations: [], requests: [], approvals: new Map() };
}
