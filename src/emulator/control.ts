/**
 * In-process control of a running emulator, for tests and demos: rotate keys,
 * change the directory (membership, disable, revoke), add Conditional Access
 * policies, inject faults, read request counts and the logs, mint tokens
 * with chosen lifetimes for negative tests, and move PIM's schedule clock.
 */
import type { EmulatorContext, Fault } from './context.js';
import type { DirectoryAudit } from './directory.js';
import { newGuid, newUti } from './ids.js';
import type { ConditionalAccessPolicy, Group, Tenant, User } from './model.js';
import type { SignIn } from './signin-log.js';
import { idTokenClaims } from './tokens.js';

/** A Conditional Access policy in a flat, test-friendly form (names or IDs). */
export interface PolicyInput {
  displayName: string;
  state?: ConditionalAccessPolicy['state'];
  /** App IDs, or 'All'. */
  includeApplications?: string[];
  includeAuthenticationContexts?: string[];
  /** User principal names or IDs, 'All' or 'GuestsOrExternalUsers'. */
  includeUsers?: string[];
  excludeUsers?: string[];
  /** Group names or IDs. */
  includeGroups?: string[];
  /** Named location names or IDs, 'All' or 'AllTrusted'. */
  includeLocations?: string[];
  excludeLocations?: string[];
  /** Only sign-ins through these flows (Graph conditions.authenticationFlows.transferMethods). */
  transferMethods?: ('deviceCodeFlow' | 'authenticationTransfer')[];
  grant: 'block' | 'mfa';
}

export interface MintOptions {
  /** User principal name or object ID. */
  user: string;
  /** The app (client ID) the ID token is for. */
  clientId: string;
  /** Seconds from now the token was issued (negative = in the past). Default 0. */
  issuedAtOffsetSeconds?: number;
  /** Lifetime in seconds (default: the emulator's token lifetime). */
  lifetimeSeconds?: number;
  tenantId?: string;
}

export interface EmulatorControl {
  /** Makes a new signing key active; the previous stays published unless retirePrevious. Returns the new kid. */
  rotateKeys(options?: { retirePrevious?: boolean }): Promise<string>;
  activeKid(): string;
  addToGroup(user: string, group: string, tenantId?: string): void;
  removeFromGroup(user: string, group: string, tenantId?: string): void;
  setUserEnabled(user: string, enabled: boolean, tenantId?: string): void;
  revokeSignInSessions(user: string, tenantId?: string): void;
  addConditionalAccessPolicy(policy: PolicyInput, tenantId?: string): string;
  removeConditionalAccessPolicy(id: string, tenantId?: string): void;
  setFault(fault: Fault): void;
  /** Graph requests allowed per 10 s per tenant and app (Infinity: no throttling); returns the 429s so far. */
  setGraphThrottle(requestsPer10s: number): number;
  clearFaults(): void;
  /**
   * Requests seen per endpoint: discovery, jwks, authorize, token, devicecode, devicelogin, login, graph, ...
   * and per endpoint and method: `graph POST`, `graph PATCH`, ... (e.g. to prove a dry run wrote nothing).
   */
  requestCount(endpoint: string): number;
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
  signIns(): readonly SignIn[];
  directoryAudits(): readonly DirectoryAudit[];
  /** An ID token signed by the active key, with a chosen issue time and lifetime (for expiry tests). */
  mintIdToken(options: MintOptions): Promise<string>;
  /**
   * Moves PIM's schedule clock forward by `ms` and applies what is then due
   * (activations that end are removed, with their audit records). Tokens keep
   * the machine's time: see schedule-clock.ts.
   */
  advanceClock(ms: number): void;
  /** The schedule clock's time (ms): the emulator's clock plus what was advanced. */
  scheduleNow(): number;
}

export function createControl(ctx: EmulatorContext): EmulatorControl {
  const directory = ctx.directory;
  const tenantOf = (id?: string): Tenant => {
    const tenant = id ? directory.tenant(id) : directory.defaultTenant;
    if (!tenant) throw new Error(`no tenant ${id}`);
    return tenant;
  };
  const userOf = (tenant: Tenant, ref: string): User => {
    const user = directory.user(tenant, ref);
    if (!user) throw new Error(`no user ${ref} in ${tenant.domain}`);
    return user;
  };
  const groupOf = (tenant: Tenant, ref: string): Group => {
    const group =
      tenant.groups.get(ref.toLowerCase()) ??
      [...tenant.groups.values()].find((g) => g.displayName.toLowerCase() === ref.toLowerCase());
    if (!group) throw new Error(`no group ${ref} in ${tenant.domain}`);
    return group;
  };
  const memberId = (tenant: Tenant, ref: string): string =>
    directory.user(tenant, ref)?.id ?? groupOf(tenant, ref).id;
  const userOrKeyword = (tenant: Tenant, refs: string[] | undefined) =>
    (refs ?? []).map((r) =>
      ['All', 'None', 'GuestsOrExternalUsers'].includes(r) ? r : userOf(tenant, r).id,
    );
  const locationOf = (tenant: Tenant, refs: string[] | undefined) =>
    (refs ?? []).map((r) => {
      if (r === 'All' || r === 'AllTrusted') return r;
      const location = tenant.namedLocations.find(
        (l) => l.id === r || l.displayName.toLowerCase() === r.toLowerCase(),
      );
      if (!location) throw new Error(`no named location ${r}`);
      return location.id;
    });
  const actor = { kind: 'emulator' as const };

  return {
    rotateKeys: (options) => ctx.keys.rotate(options),
    activeKid: () => ctx.keys.activeKid,
    addToGroup(user, group, tenantId) {
      const tenant = tenantOf(tenantId);
      directory.addMember(tenant, groupOf(tenant, group), memberId(tenant, user), actor);
    },
    removeFromGroup(user, group, tenantId) {
      const tenant = tenantOf(tenantId);
      directory.removeMember(tenant, groupOf(tenant, group), memberId(tenant, user), actor);
    },
    setUserEnabled(user, enabled, tenantId) {
      const tenant = tenantOf(tenantId);
      directory.setAccountEnabled(tenant, userOf(tenant, user), enabled, actor);
    },
    revokeSignInSessions(user, tenantId) {
      directory.revokeSessions(userOf(tenantOf(tenantId), user));
    },
    addConditionalAccessPolicy(input, tenantId) {
      const tenant = tenantOf(tenantId);
      const stamp = new Date(ctx.now()).toISOString();
      const policy: ConditionalAccessPolicy = {
        id: newGuid(),
        displayName: input.displayName,
        state: input.state ?? 'enabled',
        createdDateTime: stamp,
        modifiedDateTime: null,
        conditions: {
          applications: {
            includeApplications: input.includeApplications ?? [],
            excludeApplications: [],
            includeAuthenticationContextClassReferences: input.includeAuthenticationContexts ?? [],
          },
          users: {
            includeUsers: userOrKeyword(tenant, input.includeUsers),
            excludeUsers: userOrKeyword(tenant, input.excludeUsers),
            includeGroups: (input.includeGroups ?? []).map((g) => groupOf(tenant, g).id),
            excludeGroups: [],
          },
          locations:
            input.includeLocations || input.excludeLocations
              ? {
                  includeLocations: locationOf(tenant, input.includeLocations ?? ['All']),
                  excludeLocations: locationOf(tenant, input.excludeLocations),
                }
              : null,
          clientAppTypes: ['all'],
          authenticationFlows: input.transferMethods
            ? { transferMethods: input.transferMethods.join(',') }
            : null,
        },
        grantControls: { operator: 'OR', builtInControls: [input.grant] },
      };
      tenant.conditionalAccessPolicies.push(policy);
      return policy.id;
    },
    removeConditionalAccessPolicy(id, tenantId) {
      const tenant = tenantOf(tenantId);
      tenant.conditionalAccessPolicies = tenant.conditionalAccessPolicies.filter((p) => p.id !== id);
    },
    setGraphThrottle: (requestsPer10s) => {
      ctx.graphThrottle.limit = requestsPer10s;
      return ctx.graphThrottle.throttled;
    },
    setFault: (fault) => {
      ctx.faults.push({ ...fault });
    },
    clearFaults: () => {
      ctx.faults.length = 0;
    },
    requestCount: (endpoint) => ctx.requestCounts.get(endpoint) ?? 0,
    requestCounts: () => Object.fromEntries(ctx.requestCounts),
    resetRequestCounts: () => ctx.requestCounts.clear(),
    signIns: () => ctx.signIns.events,
    directoryAudits: () => directory.audits,
    advanceClock(ms) {
      ctx.privilegedAccess.clock.advance(ms);
      ctx.privilegedAccess.settle();
    },
    scheduleNow: () => ctx.privilegedAccess.clock.now(),
    async mintIdToken(options) {
      const tenant = tenantOf(options.tenantId);
      const user = userOf(tenant, options.user);
      const client = directory.application(tenant, options.clientId);
      if (!client) throw new Error(`no application ${options.clientId}`);
      const iat = Math.floor(ctx.now() / 1000) + (options.issuedAtOffsetSeconds ?? 0);
      const claims = idTokenClaims(
        directory,
        {
          baseUrl: ctx.baseUrl,
          tenant,
          user,
          client,
          sid: newGuid(),
          authTime: iat,
          amr: ['pwd'],
          uti: newUti(),
          iat,
          lifetimeSeconds: options.lifetimeSeconds ?? ctx.tokenLifetimeSeconds,
          ip: '127.0.0.1',
        },
        { nonce: undefined, email: false },
      );
      return ctx.keys.sign(claims, '2.0');
    },
  };
}
