/**
 * The part of a Kubernetes `audit.k8s.io/v1` Event that the trail uses.
 * Field names are the API's own (k8s.io/apiserver pkg/apis/audit/v1/types.go);
 * everything is optional because a log line is untrusted input.
 */
export interface K8sUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface K8sObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface K8sAuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: K8sUserInfo;
  impersonatedUser?: K8sUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: K8sObjectRef;
  responseStatus?: { code?: number; status?: string; reason?: string; message?: string };
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
}

/** Whether a parsed JSON value looks like an audit Event (an object with a user or a verb). */
export function isK8sAuditEvent(value: unknown): value is K8sAuditEvent {
  if (!isRecord(value)) return false;
  return typeof value.verb === 'string' || isRecord(value.user);
}

type Loose = Record<string, unknown>;

const eventStrings = [
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'userAgent',
  'requestReceivedTimestamp',
  'stageTimestamp',
] as const;
const objectRefStrings = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'subresource'];

/**
 * A parsed log line as an audit Event, or undefined when it is not one. A log
 * line is untrusted (anyone who can write the file, or a broken writer): each
 * field the trail reads is checked for its type in place, and one of the wrong
 * type is cleared (set to undefined, which keeps the object's shape fast), so
 * nothing downstream meets an object where it expects text.
 */
export function auditEventFrom(value: unknown): K8sAuditEvent | undefined {
  if (!isK8sAuditEvent(value)) return undefined;
  const event = value as Loose;
  for (const field of eventStrings)
    if (event[field] !== undefined && typeof event[field] !== 'string') event[field] = undefined;
  event.user = userInfo(event.user);
  event.impersonatedUser = userInfo(event.impersonatedUser);
  event.sourceIPs = strings(event.sourceIPs);
  const ref = event.objectRef;
  if (ref !== undefined) {
    if (!isRecord(ref)) event.objectRef = undefined;
    else
      for (const field of objectRefStrings)
        if (ref[field] !== undefined && typeof ref[field] !== 'string') ref[field] = undefined;
  }
  const status = event.responseStatus;
  if (status !== undefined) {
    if (!isRecord(status)) event.responseStatus = undefined;
    else {
      if (status.code !== undefined && typeof status.code !== 'number') status.code = undefined;
      for (const field of ['status', 'reason', 'message'])
        if (status[field] !== undefined && typeof status[field] !== 'string') status[field] = undefined;
    }
  }
  event.annotations = stringMap(event.annotations);
  return event as K8sAuditEvent;
}

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((item) => typeof item === 'string')
    ? value
    : value.filter((item) => typeof item === 'string');
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) if (typeof value[key] !== 'string') value[key] = undefined;
  return value as Record<string, string>;
}

function userInfo(value: unknown): K8sUserInfo | undefined {
  if (!isRecord(value)) return undefined;
  if (value.username !== undefined && typeof value.username !== 'string') value.username = undefined;
  if (value.uid !== undefined && typeof value.uid !== 'string') value.uid = undefined;
  if (value.groups !== undefined) value.groups = strings(value.groups);
  const extra = value.extra;
  if (extra !== undefined) {
    if (!isRecord(extra)) value.extra = undefined;
    else for (const key of Object.keys(extra)) extra[key] = strings(extra[key]);
  }
  return value as K8sUserInfo;
}

/**
 * The identity the request acted as: the impersonated user when impersonation
 * was used (the authorizer decided for that identity), else the authenticated one.
 */
export function effectiveUser(event: K8sAuditEvent): K8sUserInfo {
  return event.impersonatedUser ?? event.user ?? {};
}

/**
 * The client address as the API server saw it. `sourceIPs` lists X-Forwarded-For,
 * then X-Real-Ip, then the remote address; "all but the last IP can be arbitrarily
 * set by the client" (audit types.go), so the last one is the trustworthy one.
 */
export function trustedSourceIp(event: K8sAuditEvent): string | undefined {
  const ips = event.sourceIPs;
  return ips && ips.length > 0 ? ips[ips.length - 1] : undefined;
}

export function firstExtra(user: K8sUserInfo, key: string): string | undefined {
  const values = user.extra?.[key];
  if (!values || values.length === 0) return undefined;
  const value = values[0];
  return value === '' ? undefined : value;
}
