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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.createdDateTime === 'string' && ('userId' in record || 'userPrincipalName' in record);
}
