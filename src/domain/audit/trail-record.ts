import { type GrantingBinding, parseGrantingBinding } from './authorization-reason.js';
import { type ClaimMappings, identify } from './claim-mappings.js';
import type { ElevationWindow } from './elevation.js';
import { type JoinOptions, type JoinResult, joinSignIn } from './join.js';
import { effectiveUser, type K8sAuditEvent, trustedSourceIp } from './k8s-event.js';
import { isMfa, type SignIn } from './sign-in.js';
import type { SignInIndex } from './sign-in-index.js';

/**
 * One line of the trail: a Kubernetes request with the Entra identity and
 * sign-in behind it. Who, what, when, from where, which sign-in, how joined.
 */
export interface TrailRecord {
  kind: 'request';
  /** requestReceivedTimestamp */
  time: string;
  auditId?: string;
  stage?: string;
  who: {
    username?: string;
    groups: string[];
    oid?: string;
    upn?: string;
    displayName?: string;
    tenantId?: string;
    /** Entra userType: member or guest. */
    userType?: string;
    /** The authenticated user who impersonated `username`, if any. */
    impersonatedBy?: string;
  };
  what: {
    verb?: string;
    apiGroup?: string;
    apiVersion?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
    requestUri?: string;
    responseCode?: number;
    decision: 'allow' | 'forbid' | 'unknown';
    reason?: string;
    grantedBy?: GrantingBinding & { groupName?: string };
    /** The PIM elevation of this user into the granting group that was in force: what enabled the request. */
    elevation?: {
      requestId?: string;
      justification?: string;
      approvedBy?: string;
      since: string;
      until?: string;
    };
  };
  from: {
    /** The API server's view: last of sourceIPs (the only one the client cannot forge). */
    sourceIp?: string;
    /** All of sourceIPs, when there is more than one (X-Forwarded-For, X-Real-Ip). */
    sourceIps?: string[];
    userAgent?: string;
    signInIp?: string;
    location?: string;
    device?: string;
    clientApp?: string;
    clientAppUsed?: string;
    conditionalAccess?: string;
    mfa?: boolean;
  };
  signIn?: {
    id?: string;
    time?: string;
    uniqueTokenIdentifier?: string;
    sessionId?: string;
    interactive?: boolean;
    appId?: string;
    resource?: string;
  };
  join: {
    method: JoinResult['method'];
    confidence: number;
    evidence?: JoinResult['evidence'];
    note?: string;
  };
}

export interface TrailContext {
  index: SignInIndex;
  mappings: ClaimMappings;
  join: JoinOptions;
  /** Entra group display name for a group object id, when known. */
  groupName: (id: string) => string | undefined;
  /** The elevation of a user (object ID) into a group (object ID) in force at a time (ms), when known. */
  elevation?: (memberId: string, groupId: string, time: number) => ElevationWindow | undefined;
}

export function buildTrailRecord(event: K8sAuditEvent, context: TrailContext): TrailRecord {
  return buildTrail(event, context).record;
}

/** The record and the full sign-in it was joined to (OCSF writes that sign-in as its own event). */
export function buildTrail(
  event: K8sAuditEvent,
  context: TrailContext,
): { record: TrailRecord; signIn?: SignIn } {
  const user = effectiveUser(event);
  const time = event.requestReceivedTimestamp ?? event.stageTimestamp ?? '';
  const sourceIp = trustedSourceIp(event);
  const identity = identify(user, context.mappings);
  const joined = joinSignIn(identity, Date.parse(time), sourceIp, context.index, context.join);
  const signIn = joined.signIn?.signIn;
  const ref = event.objectRef;
  const annotations = event.annotations;
  const reason = annotations?.['authorization.k8s.io/reason'];
  const granting = parseGrantingBinding(reason);
  const code = event.responseStatus?.code;
  const elevation =
    granting && elevationOf(granting, identity.oid ?? signIn?.userId, Date.parse(time), context);

  const record: TrailRecord = {
    kind: 'request',
    time,
    auditId: event.auditID,
    stage: event.stage,
    who: {
      username: user.username,
      groups: user.groups ?? [],
      oid: identity.oid ?? signIn?.userId,
      upn: signIn?.userPrincipalName ?? identity.upn,
      displayName: signIn?.userDisplayName,
      tenantId: signIn?.resourceTenantId ?? signIn?.homeTenantId,
      userType: signIn?.userType,
      impersonatedBy: event.impersonatedUser ? event.user?.username : undefined,
    },
    what: {
      verb: event.verb,
      apiGroup: ref?.apiGroup,
      apiVersion: ref?.apiVersion,
      resource: ref?.resource,
      subresource: ref?.subresource,
      namespace: ref?.namespace,
      name: ref?.name,
      requestUri: event.requestURI,
      responseCode: code,
      decision: decisionOf(annotations?.['authorization.k8s.io/decision'], code),
      reason,
      grantedBy: granting && withGroupName(granting, context.groupName),
      ...(elevation ? { elevation } : {}),
    },
    from: {
      sourceIp,
      // The whole chain only when there is one (proxies): it is client-supplied except for the last.
      sourceIps: event.sourceIPs && event.sourceIPs.length > 1 ? event.sourceIPs : undefined,
      userAgent: event.userAgent,
      signInIp: signIn?.ipAddress,
      location: signIn && locationOf(signIn.location),
      device: signIn && deviceOf(signIn.deviceDetail),
      clientApp: signIn?.appDisplayName ?? signIn?.appId,
      clientAppUsed: signIn?.clientAppUsed,
      conditionalAccess: signIn?.conditionalAccessStatus,
      mfa: signIn && isMfa(signIn),
    },
    join: { method: joined.method, confidence: joined.confidence },
  };
  if (joined.evidence) record.join.evidence = joined.evidence;
  if (joined.note) record.join.note = joined.note;
  if (signIn)
    record.signIn = {
      id: signIn.id,
      time: signIn.createdDateTime,
      uniqueTokenIdentifier: signIn.uniqueTokenIdentifier,
      sessionId: signIn.sessionId,
      interactive: signIn.isInteractive,
      appId: signIn.appId,
      resource: signIn.resourceDisplayName ?? signIn.resourceId,
    };
  return { record, signIn };
}

function decisionOf(
  annotation: string | undefined,
  code: number | undefined,
): TrailRecord['what']['decision'] {
  if (annotation === 'allow' || annotation === 'forbid') return annotation;
  // Without the annotation (policy levels below Metadata never drop it, but other exporters may),
  // a 403 is the authorizer's answer.
  if (code === 403) return 'forbid';
  return 'unknown';
}

function withGroupName(
  granting: GrantingBinding,
  groupName: (id: string) => string | undefined,
): GrantingBinding & { groupName?: string } {
  if (granting.subjectKind !== 'Group') return granting;
  // Group subjects carry the cluster's groups prefix ("entra:<object id>"); Entra knows the bare id.
  const subject = granting.subject;
  const name = groupName(subject) ?? groupName(subject.slice(subject.lastIndexOf(':') + 1));
  return name === undefined ? granting : { ...granting, groupName: name };
}

/** The elevation in force that let a group grant this request (the window of its PIM activation). */
function elevationOf(
  granting: GrantingBinding,
  oid: string | undefined,
  time: number,
  context: TrailContext,
): NonNullable<TrailRecord['what']['elevation']> | undefined {
  if (granting.subjectKind !== 'Group' || !oid || !context.elevation) return undefined;
  const groupId = granting.subject.slice(granting.subject.lastIndexOf(':') + 1);
  const window = context.elevation(oid, groupId, time);
  if (!window) return undefined;
  return {
    since: new Date(window.start).toISOString(),
    ...(Number.isFinite(window.end) ? { until: new Date(window.end).toISOString() } : {}),
    ...(window.requestId ? { requestId: window.requestId } : {}),
    ...(window.justification ? { justification: window.justification } : {}),
    ...(window.approvedBy ? { approvedBy: window.approvedBy } : {}),
  };
}

function locationOf(location: SignInLocation | undefined): string | undefined {
  if (!location) return undefined;
  const parts = [location.city, location.state, location.countryOrRegion].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function deviceOf(device: SignInDevice | undefined): string | undefined {
  if (!device) return undefined;
  const parts = [device.displayName, device.operatingSystem, device.browser].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  const flags = [device.isCompliant ? 'compliant' : '', device.isManaged ? 'managed' : ''].filter(Boolean);
  const text = [...parts, ...flags].join(', ');
  return text === '' ? undefined : text;
}

type SignInLocation = NonNullable<SignIn['location']>;
type SignInDevice = NonNullable<SignIn['deviceDetail']>;
