/**
 * Conditional Access, evaluated at sign-in: which enabled policies apply to
 * this user, app (client or resource), requested authentication contexts and
 * IP address, and what they demand (block, MFA). The result feeds the sign-in
 * page (second factor), the token (`acrs`, `amr`) and the sign-in log
 * (`conditionalAccessStatus`, `appliedConditionalAccessPolicies`).
 */
import { BlockList, isIPv6 } from 'node:net';
import type { Directory } from './directory.js';
import type { ConditionalAccessPolicy, NamedLocation, Tenant, User } from './model.js';

export interface SignInContext {
  user: User | undefined;
  /** App IDs the sign-in touches: the client and the resource. */
  appIds: string[];
  ip: string;
  /** Auth context IDs (c1..c25) the client asked for in its claims request. */
  requestedAcrs: string[];
  mfaDone: boolean;
  /** The sign-in's transfer method, when it has one: a device code sign-in is `deviceCodeFlow`. */
  transferMethod?: TransferMethod;
}

/** Graph's conditionalAccessTransferMethods the emulator can tell apart (it has no authentication transfer). */
export type TransferMethod = 'deviceCodeFlow';

export interface AppliedPolicy {
  id: string;
  displayName: string;
  enforcedGrantControls: string[];
  enforcedSessionControls: string[];
  result:
    | 'success'
    | 'failure'
    | 'notApplied'
    | 'notEnabled'
    | 'reportOnlySuccess'
    | 'reportOnlyFailure'
    | 'reportOnlyNotApplied';
}

export interface CaOutcome {
  status: 'success' | 'failure' | 'notApplied';
  applied: AppliedPolicy[];
  blocked: AppliedPolicy | undefined;
  /** True when an enforced policy needs MFA that was not given yet. */
  mfaRequired: boolean;
  /** Requested auth contexts whose policies are satisfied (the `acrs` claim). */
  satisfiedAcrs: string[];
}

function inLocation(location: NamedLocation, ip: string): boolean {
  const list = new BlockList();
  for (const cidr of location.cidrs) {
    const [net, bits] = cidr.split('/');
    if (!net || !bits) continue;
    const family = isIPv6(net) ? 'ipv6' : 'ipv4';
    try {
      list.addSubnet(net, Number(bits), family);
    } catch {
      // A malformed range matches nothing (seed validation already rejects the obvious cases).
    }
  }
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

function locationMatches(tenant: Tenant, refs: string[], ip: string): boolean {
  return refs.some((ref) => {
    if (ref === 'All') return true;
    const locations =
      ref === 'AllTrusted'
        ? tenant.namedLocations.filter((l) => l.isTrusted)
        : tenant.namedLocations.filter((l) => l.id === ref);
    return locations.some((l) => inLocation(l, ip));
  });
}

function userMatches(policy: ConditionalAccessPolicy, user: User, groups: Set<string>): boolean {
  const u = policy.conditions.users;
  const isGuest = user.userType === 'Guest';
  const includes =
    u.includeUsers.includes('All') ||
    u.includeUsers.includes(user.id) ||
    (u.includeUsers.includes('GuestsOrExternalUsers') && isGuest) ||
    u.includeGroups.some((g) => groups.has(g));
  const excludes =
    u.excludeUsers.includes(user.id) ||
    (u.excludeUsers.includes('GuestsOrExternalUsers') && isGuest) ||
    u.excludeGroups.some((g) => groups.has(g));
  return includes && !excludes;
}

/**
 * The "authentication flows" condition (Entra: Conditions > Authentication flows): a policy
 * that names transfer methods applies only to sign-ins through one of them, e.g. blocking
 * device code while the browser stays allowed.
 */
function flowMatches(policy: ConditionalAccessPolicy, method: TransferMethod | undefined): boolean {
  const flows = policy.conditions.authenticationFlows;
  if (!flows) return true;
  const named = flows.transferMethods.split(',').map((m) => m.trim());
  return method !== undefined && named.includes(method);
}

function appMatches(
  policy: ConditionalAccessPolicy,
  appIds: string[],
  requestedAcrs: string[],
): string[] | undefined {
  const a = policy.conditions.applications;
  const contexts = a.includeAuthenticationContextClassReferences.filter((c) => requestedAcrs.includes(c));
  if (contexts.length > 0) return contexts;
  if (a.excludeApplications.some((id) => appIds.includes(id))) return undefined;
  if (a.includeApplications.includes('All') || a.includeApplications.some((id) => appIds.includes(id)))
    return [];
  return undefined;
}

export function evaluateConditionalAccess(
  directory: Directory,
  tenant: Tenant,
  context: SignInContext,
): CaOutcome {
  const applied: AppliedPolicy[] = [];
  let blocked: AppliedPolicy | undefined;
  let mfaRequired = false;
  const unsatisfiedAcrs = new Set<string>();
  const groups = new Set(context.user ? directory.transitiveGroupIds(tenant, context.user.id) : []);
  for (const policy of tenant.conditionalAccessPolicies) {
    const base = { id: policy.id, displayName: policy.displayName, enforcedSessionControls: [] };
    const controls = policy.grantControls?.builtInControls ?? [];
    const contexts = appMatches(policy, context.appIds, context.requestedAcrs);
    const locations = policy.conditions.locations;
    const applies =
      context.user !== undefined &&
      contexts !== undefined &&
      userMatches(policy, context.user, groups) &&
      flowMatches(policy, context.transferMethod) &&
      (!locations ||
        (locationMatches(tenant, locations.includeLocations, context.ip) &&
          !locationMatches(tenant, locations.excludeLocations, context.ip)));
    if (policy.state === 'disabled') {
      applied.push({ ...base, enforcedGrantControls: [], result: 'notEnabled' });
      continue;
    }
    const reportOnly = policy.state === 'enabledForReportingButNotEnforced';
    if (!applies) {
      applied.push({
        ...base,
        enforcedGrantControls: [],
        result: reportOnly ? 'reportOnlyNotApplied' : 'notApplied',
      });
      continue;
    }
    const block = controls.includes('block');
    const needsMfa = controls.includes('mfa');
    const satisfied = !block && (!needsMfa || context.mfaDone);
    const result = reportOnly
      ? satisfied
        ? 'reportOnlySuccess'
        : 'reportOnlyFailure'
      : satisfied
        ? 'success'
        : 'failure';
    const entry: AppliedPolicy = { ...base, enforcedGrantControls: controls.map(controlName), result };
    applied.push(entry);
    if (reportOnly) continue;
    if (block) blocked ??= entry;
    if (needsMfa && !context.mfaDone) {
      mfaRequired = true;
      for (const c of contexts ?? []) unsatisfiedAcrs.add(c);
    }
  }
  const enforced = applied.filter((p) => p.result === 'success' || p.result === 'failure');
  return {
    status:
      enforced.length === 0
        ? 'notApplied'
        : enforced.some((p) => p.result === 'failure')
          ? 'failure'
          : 'success',
    applied,
    blocked,
    mfaRequired,
    satisfiedAcrs: blocked ? [] : context.requestedAcrs.filter((c) => !unsatisfiedAcrs.has(c)),
  };
}

/** Graph spells the enforced controls as in the portal ("Block", "Mfa"). */
function controlName(control: string): string {
  return control === 'mfa' ? 'Mfa' : control === 'block' ? 'Block' : control;
}

/** Auth-context IDs from an OIDC claims request: `{"access_token":{"acrs":{"essential":true,"value":"c1"}}}`. */
export function requestedAuthContexts(claims: string | undefined | null): string[] {
  if (!claims) return [];
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    const values = [acrs?.value, ...(Array.isArray(acrs?.values) ? acrs.values : [])];
    return values
      .filter((v): v is string => typeof v === 'string' && /^c([1-9]|1\d|2[0-5])$/i.test(v))
      .map((v) => v.toLowerCase());
  } catch {
    return [];
  }
}
