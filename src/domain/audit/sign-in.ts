/**
 * The part of a Microsoft Graph `signIn` (GET /auditLogs/signIns) that the trail
 * uses. Field names are Graph's own (v1.0 + beta superset); all optional because
 * exports are untrusted input.
 */
export interface SignIn {
  id?: string;
  createdDateTime?: string;
  userDisplayName?: string;
  userPrincipalName?: string;
  userId?: string;
  userType?: string;
  appId?: string;
  appDisplayName?: string;
  ipAddress?: string;
  clientAppUsed?: string;
  userAgent?: string;
  correlationId?: string;
  conditionalAccessStatus?: string;
  isInteractive?: boolean;
  authenticationRequirement?: string;
  resourceDisplayName?: string;
  resourceId?: string;
  resourceTenantId?: string;
  homeTenantId?: string;
  /** The token's `uti` claim ("linkable identifier"). */
  uniqueTokenIdentifier?: string;
  /** The token's `sid` claim. Graph beta calls it `sessionId`; Log Analytics calls it `SessionId`. */
  sessionId?: string;
  status?: { errorCode?: number; failureReason?: string | null };
  deviceDetail?: {
    deviceId?: string;
    displayName?: string | null;
    operatingSystem?: string | null;
    browser?: string | null;
    isCompliant?: boolean | null;
    isManaged?: boolean | null;
  };
  location?: { city?: string | null; state?: string | null; countryOrRegion?: string | null };
}

/** Whether a sign-in issued a token (failed sign-ins never produce one, so they cannot be joined). */
export function signInSucceeded(signIn: SignIn): boolean {
  return (signIn.status?.errorCode ?? 0) === 0;
}

export function signInTime(signIn: SignIn): number {
  return signIn.createdDateTime ? Date.parse(signIn.createdDateTime) : Number.NaN;
}

export function isMfa(signIn: SignIn): boolean | undefined {
  if (!signIn.authenticationRequirement) return undefined;
  return signIn.authenticationRequirement === 'multiFactorAuthentication';
}

/**
 * `uniqueTokenIdentifier` is base64url; some Microsoft logs carry it padded with
 * `=` (entra-protocol.md §5.2: "trim before join"), so both sides are compared
 * without padding.
 */
export function normalizeTokenId(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 61 /* = */) end--;
  return end === value.length ? value : value.slice(0, end);
}

/** Whether a JSON value looks like a Graph signIn (and not, say, a directoryAudit). */
export function isSignIn(value: unknown): value is SignIn {
  if (!isRecord(value)) return false;
  return typeof value.createdDateTime === 'string' && ('userId' in value || 'userPrincipalName' in value);
}

const stringFields = [
  'id',
  'createdDateTime',
  'userDisplayName',
  'userPrincipalName',
  'userId',
  'userType',
  'appId',
  'appDisplayName',
  'ipAddress',
  'clientAppUsed',
  'userAgent',
  'correlationId',
  'conditionalAccessStatus',
  'authenticationRequirement',
  'resourceDisplayName',
  'resourceId',
  'resourceTenantId',
  'homeTenantId',
  'uniqueTokenIdentifier',
  'sessionId',
] as const;

/**
 * A sign-in record from an export or Graph as the typed shape, or undefined when
 * it is not one. Exports are untrusted: a field of the wrong type is dropped
 * (as if absent), so nothing downstream meets a number where it expects text.
 * Log Analytics spells the session id `SessionId`; it is read as `sessionId`.
 */
export function signInFrom(value: unknown): SignIn | undefined {
  if (!isSignIn(value)) return undefined;
  const record = value as unknown as Record<string, unknown>;
  const signIn: SignIn = {};
  for (const field of stringFields) if (typeof record[field] === 'string') signIn[field] = record[field];
  if (signIn.sessionId === undefined && typeof record.SessionId === 'string')
    signIn.sessionId = record.SessionId;
  if (typeof record.isInteractive === 'boolean') signIn.isInteractive = record.isInteractive;
  if (isRecord(record.status))
    signIn.status = {
      ...(typeof record.status.errorCode === 'number' ? { errorCode: record.status.errorCode } : {}),
      ...(typeof record.status.failureReason === 'string'
        ? { failureReason: record.status.failureReason }
        : {}),
    };
  const device = record.deviceDetail;
  if (isRecord(device))
    signIn.deviceDetail = Object.fromEntries(
      ['deviceId', 'displayName', 'operatingSystem', 'browser', 'isCompliant', 'isManaged']
        .filter((key) => typeof device[key] === (key.startsWith('is') ? 'boolean' : 'string'))
        .map((key) => [key, device[key]]),
    );
  const location = record.location;
  if (isRecord(location))
    signIn.location = Object.fromEntries(
      ['city', 'state', 'countryOrRegion']
        .filter((key) => typeof location[key] === 'string')
        .map((key) => [key, location[key]]),
    );
  return signIn;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
