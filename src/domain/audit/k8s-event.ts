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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const event = value as K8sAuditEvent;
  return typeof event.verb === 'string' || typeof event.user === 'object';
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
