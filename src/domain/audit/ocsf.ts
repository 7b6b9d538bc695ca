/**
 * OCSF (Open Cybersecurity Schema Framework, ocsf/ocsf-schema 1.8.0) events for
 * SIEMs: a Kubernetes request becomes API Activity (6003), an Entra sign-in
 * Authentication (3002), a group-membership change or a PIM elevation step
 * Group Management (3006).
 * class_uid = category_uid * 1000 + n; type_uid = class_uid * 100 + activity_id
 * (ocsf-schema dictionary.json). See rbac-and-audit.md §5 for the mapping.
 */
import type { ElevationEvent } from './elevation.js';
import type { GroupChange } from './group-change.js';
import { isMfa, type SignIn, signInSucceeded } from './sign-in.js';
import type { TrailRecord } from './trail-record.js';

export const ocsfVersion = '1.8.0';

export type OcsfEvent = Record<string, unknown>;

/** The fields every OCSF event starts with: class, category, activity, type, time, severity, status. */
function header(
  cls: { uid: number; name: string; categoryUid: number; categoryName: string },
  activity: { id: number; name: string },
  time: number | undefined,
  ok: boolean,
): Record<string, unknown> {
  return {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: cls.uid * 100 + activity.id,
    type_name: `${cls.name}: ${activity.name}`,
    time,
    severity_id: 1,
    severity: 'Informational',
    status_id: ok ? 1 : 2,
    status: ok ? 'Success' : 'Failure',
  };
}

const apiActivity = { uid: 6003, name: 'API Activity', categoryUid: 6, categoryName: 'Application Activity' };
const iam = { categoryUid: 3, categoryName: 'Identity & Access Management' };
const authentication = { uid: 3002, name: 'Authentication', ...iam };
const groupManagement = { uid: 3006, name: 'Group Management', ...iam };

function metadata(productVersion: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    version: ocsfVersion,
    product: { name: 'kentra', vendor_name: 'kentra', version: productVersion },
    ...fields,
  };
}

/** OCSF API Activity activity ids: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. */
export function apiActivityOf(verb: string | undefined): { id: number; name: string } {
  switch (verb) {
    case 'create':
      return { id: 1, name: 'Create' };
    case 'get':
    case 'list':
    case 'watch':
      return { id: 2, name: 'Read' };
    case 'update':
    case 'patch':
      return { id: 3, name: 'Update' };
    case 'delete':
    case 'deletecollection':
      return { id: 4, name: 'Delete' };
    default:
      return { id: 99, name: 'Other' };
  }
}

export function apiActivityEvent(record: TrailRecord, productVersion: string): OcsfEvent {
  const activity = apiActivityOf(record.what.verb);
  const code = record.what.responseCode;
  const failed = record.what.decision === 'forbid' || (code !== undefined && code >= 400);
  const what = record.what;
  const granted = what.grantedBy;
  const ips = record.from.sourceIps ?? [];
  return {
    ...header(apiActivity, activity, Date.parse(record.time), !failed),
    status_code: code === undefined ? undefined : String(code),
    metadata: metadata(productVersion, {
      uid: record.auditId,
      log_name: 'kube-apiserver audit',
      correlation_uid: record.signIn?.uniqueTokenIdentifier ?? record.signIn?.sessionId,
    }),
    actor: {
      user: {
        name: record.who.username,
        uid: record.who.oid,
        email_addr: record.who.upn,
        full_name: record.who.displayName,
        groups: record.who.groups.map((uid) => ({ uid })),
      },
      session:
        record.signIn === undefined
          ? undefined
          : {
              uid: record.signIn.sessionId,
              credential_uid: record.signIn.uniqueTokenIdentifier,
              created_time: record.signIn.time === undefined ? undefined : Date.parse(record.signIn.time),
              is_mfa: record.from.mfa,
            },
      invoked_by: record.who.impersonatedBy,
      authorizations: [
        {
          decision: what.decision,
          policy:
            granted === undefined
              ? undefined
              : {
                  name: granted.binding,
                  desc: what.reason,
                  group:
                    granted.subjectKind === 'Group'
                      ? { uid: granted.subject, name: granted.groupName }
                      : undefined,
                },
        },
      ],
    },
    api: {
      operation: what.verb ?? 'unknown',
      request: { uid: record.auditId ?? '' },
      response: code === undefined ? undefined : { code },
      service: { name: 'kube-apiserver' },
      group: what.apiGroup === undefined ? undefined : { name: what.apiGroup },
      version: what.apiVersion,
    },
    resources:
      what.resource === undefined
        ? undefined
        : [
            {
              type: what.subresource ? `${what.resource}/${what.subresource}` : what.resource,
              name: what.name,
              namespace: what.namespace,
              group: what.apiGroup === undefined ? undefined : { name: what.apiGroup },
            },
          ],
    src_endpoint: {
      ip: record.from.sourceIp,
      intermediate_ips: ips.length > 1 ? ips.slice(0, -1) : undefined,
    },
    http_request: { user_agent: record.from.userAgent, url: { path: what.requestUri } },
    http_response: code === undefined ? undefined : { code },
    unmapped: { join: record.join, sign_in_id: record.signIn?.id, sign_in_ip: record.from.signInIp },
  };
}

export function authenticationEvent(signIn: SignIn, productVersion: string): OcsfEvent {
  const ok = signInSucceeded(signIn);
  return {
    ...header(
      authentication,
      { id: 1, name: 'Logon' },
      signIn.createdDateTime === undefined ? undefined : Date.parse(signIn.createdDateTime),
      ok,
    ),
    status_code: String(signIn.status?.errorCode ?? 0),
    status_detail: signIn.status?.failureReason ?? undefined,
    metadata: metadata(productVersion, {
      uid: signIn.id,
      log_name: 'Entra ID sign-in logs',
      correlation_uid: signIn.uniqueTokenIdentifier,
    }),
    user: {
      uid: signIn.userId,
      name: signIn.userPrincipalName,
      full_name: signIn.userDisplayName,
      type: signIn.userType,
    },
    session: { uid: signIn.sessionId, credential_uid: signIn.uniqueTokenIdentifier },
    // Entra's token service: OAuth 2.0 (auth_protocol_id 6).
    auth_protocol_id: 6,
    auth_protocol: 'OAUTH 2.0',
    is_mfa: isMfa(signIn),
    is_remote: true,
    service: { name: signIn.resourceDisplayName, uid: signIn.resourceId },
    src_endpoint: {
      ip: signIn.ipAddress,
      location:
        signIn.location === undefined
          ? undefined
          : {
              city: signIn.location.city ?? undefined,
              region: signIn.location.state ?? undefined,
              country: signIn.location.countryOrRegion ?? undefined,
            },
    },
    http_request: { user_agent: signIn.userAgent },
    unmapped: {
      app_id: signIn.appId,
      app_name: signIn.appDisplayName,
      client_app_used: signIn.clientAppUsed,
      conditional_access_status: signIn.conditionalAccessStatus,
      is_interactive: signIn.isInteractive,
      device: signIn.deviceDetail,
    },
  };
}

/** OCSF Group Management activities: 3 Add User, 4 Remove User. */
export function groupManagementEvent(change: GroupChange, productVersion: string): OcsfEvent {
  const activity = change.action === 'added' ? { id: 3, name: 'Add User' } : { id: 4, name: 'Remove User' };
  const ok = change.result === 'success';
  return {
    ...header(groupManagement, activity, Date.parse(change.time), ok),
    metadata: metadata(productVersion, {
      uid: change.directoryAuditId,
      log_name: 'Entra ID directory audits',
    }),
    group: { uid: change.group.id, name: change.group.displayName },
    user: { uid: change.member.id, name: change.member.upn, full_name: change.member.displayName },
    actor: {
      user: { uid: change.by.id, name: change.by.upn, full_name: change.by.displayName },
      app_name: change.by.app,
    },
  };
}

/**
 * A PIM elevation step as Group Management: activation 3 Add User, its end
 * (deactivation, expiry) 4 Remove User, the other steps (request, approval)
 * 99 Other with the step as the activity name.
 */
export function elevationEvent(event: ElevationEvent, productVersion: string): OcsfEvent {
  const activity =
    event.step === 'activated'
      ? { id: 3, name: 'Add User' }
      : event.step === 'deactivated' || event.step === 'expired'
        ? { id: 4, name: 'Remove User' }
        : { id: 99, name: `PIM ${event.step}` };
  return {
    ...header(groupManagement, activity, Date.parse(event.time), event.step !== 'denied'),
    metadata: metadata(productVersion, {
      uid: event.directoryAuditId,
      log_name: 'Entra ID directory audits (PIM)',
      correlation_uid: event.requestId,
    }),
    message: event.summary,
    group: { uid: event.group.id, name: event.group.displayName },
    user: { uid: event.member.id, name: event.member.upn, full_name: event.member.displayName },
    actor: {
      user: { uid: event.by.id, name: event.by.upn, full_name: event.by.displayName },
      app_name: event.by.app,
    },
    unmapped: { justification: event.justification, start: event.start, end: event.end },
  };
}
