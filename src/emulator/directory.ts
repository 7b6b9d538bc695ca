/**
 * The live directory: tenants built from the seed, lookups the protocol needs
 * (sign-in names, resources by app ID or identifier URI, transitive groups,
 * assignments) and the mutations Graph and the test control perform. Every
 * change bumps a counter that delta queries read, and membership changes
 * produce directory audit records.
 */
import { newGuid } from './ids.js';
import type { Application, Group, ServicePrincipal, Tenant, User } from './model.js';

export interface DirectoryAudit {
  id: string;
  tenantId: string;
  category: string;
  activityDisplayName: string;
  activityDateTime: string;
  operationType: 'Add' | 'Assign' | 'Update' | 'Unassign' | 'Delete';
  result: 'success';
  /** `PIM` for Privileged Identity Management's own records (requests, approvals, expiry). */
  loggedByService: 'Core Directory' | 'PIM';
  correlationId: string;
  initiatedBy: Record<string, unknown>;
  targetResources: Record<string, unknown>[];
  /** Graph's key/value list (PIM records carry the justification, request ID, start and end here). */
  additionalDetails?: { key: string; value: string }[];
}

/** Who made a change, for audit records. */
export type Actor =
  | { kind: 'user'; id: string; displayName: string; userPrincipalName: string }
  | {
      kind: 'app';
      appId: string;
      displayName: string;
      servicePrincipalId: string;
    }
  | { kind: 'emulator' };

export interface MembershipChange {
  version: number;
  tenantId: string;
  groupId: string;
  memberId: string;
  removed: boolean;
}

export class Directory {
  private readonly byKey = new Map<string, Tenant>();
  readonly tenants: readonly Tenant[];
  /** Directory change counter: every mutation takes the next value (delta tokens carry it). */
  version = 1;
  readonly membershipChanges: MembershipChange[] = [];
  readonly audits: DirectoryAudit[] = [];

  /** Per tenant: member ID -> IDs of the groups it is a direct member of (kept with every membership change). */
  private readonly memberOf = new Map<Tenant, Map<string, Set<string>>>();
  /** Per tenant: lower-cased UPN and mail -> user (the first user in seed order wins, as a scan would). */
  private readonly signInNames = new Map<Tenant, Map<string, User>>();

  constructor(
    tenants: readonly Tenant[],
    private readonly now: () => number,
  ) {
    this.tenants = tenants;
    for (const tenant of tenants) {
      this.byKey.set(tenant.id, tenant);
      this.byKey.set(tenant.domain, tenant);
      const index = new Map<string, Set<string>>();
      this.memberOf.set(tenant, index);
      for (const group of tenant.groups.values())
        for (const member of group.members) this.indexMembership(tenant, group.id, member, true);
      const names = new Map<string, User>();
      for (const user of tenant.users.values())
        for (const name of [user.userPrincipalName, user.mail])
          if (name && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), user);
      this.signInNames.set(tenant, names);
    }
  }

  private indexMembership(tenant: Tenant, groupId: string, memberId: string, present: boolean): void {
    const index = this.memberOf.get(tenant);
    if (!index) return;
    let groups = index.get(memberId);
    if (!groups) {
      if (!present) return;
      groups = new Set();
      index.set(memberId, groups);
    }
    if (present) groups.add(groupId);
    else groups.delete(groupId);
  }

  /** IDs of the groups the principal is a direct member of. */
  directGroupIds(tenant: Tenant, principalId: string): ReadonlySet<string> {
    return this.memberOf.get(tenant)?.get(principalId) ?? new Set();
  }

  get defaultTenant(): Tenant {
    const first = this.tenants[0];
    if (!first) throw new Error('directory has no tenant');
    return first;
  }

  /** A tenant by GUID or verified domain (case-insensitive). */
  tenant(segment: string): Tenant | undefined {
    return this.byKey.get(segment.toLowerCase());
  }

  /** Finds a user by sign-in name, in one tenant or (for /common and /organizations) in all. */
  findUser(name: string, tenant?: Tenant): { tenant: Tenant; user: User } | undefined {
    const key = name.trim().toLowerCase();
    for (const t of tenant ? [tenant] : this.tenants) {
      const user = this.signInNames.get(t)?.get(key);
      if (user) return { tenant: t, user };
    }
    return undefined;
  }

  user(tenant: Tenant, idOrUpn: string): User | undefined {
    return tenant.users.get(idOrUpn.toLowerCase()) ?? this.findUser(idOrUpn, tenant)?.user;
  }

  application(tenant: Tenant, appId: string): Application | undefined {
    const key = appId.toLowerCase();
    for (const app of tenant.applications.values()) if (app.appId === key) return app;
    return undefined;
  }

  servicePrincipal(tenant: Tenant, appId: string): ServicePrincipal | undefined {
    const key = appId.toLowerCase();
    for (const sp of tenant.servicePrincipals.values()) if (sp.appId === key) return sp;
    return undefined;
  }

  /** The resource app a scope prefix names: an app ID or an identifier URI (trailing slash ignored). */
  resource(tenant: Tenant, name: string): Application | undefined {
    const key = name.toLowerCase().replace(/\/+$/, '');
    for (const app of tenant.applications.values()) {
      if (app.appId === key) return app;
      if (app.identifierUris.some((uri) => uri.toLowerCase().replace(/\/+$/, '') === key)) return app;
    }
    return undefined;
  }

  /** Object IDs of every group the principal is in, directly or through nesting. */
  transitiveGroupIds(tenant: Tenant, principalId: string): string[] {
    const result = new Set<string>();
    const queue = [principalId];
    for (let i = 0; i < queue.length; i++) {
      for (const group of this.directGroupIds(tenant, queue[i] as string)) {
        if (result.has(group)) continue;
        result.add(group);
        queue.push(group);
      }
    }
    return [...result];
  }

  /** Transitive members of a group (users, groups and service principals), each once. */
  transitiveMembers(tenant: Tenant, group: Group): string[] {
    const result = new Set<string>();
    const queue = [...group.members];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (result.has(id)) continue;
      result.add(id);
      const nested = tenant.groups.get(id);
      if (nested) queue.push(...nested.members);
    }
    return [...result];
  }

  /**
   * App role IDs the principal holds on a resource: assigned directly or to a
   * group it is a *direct* member of (Graph: group assignments apply to direct members).
   */
  assignedRoleIds(tenant: Tenant, principalId: string, resource: ServicePrincipal): string[] {
    const groups = this.directGroupIds(tenant, principalId);
    return tenant.appRoleAssignments
      .filter(
        (a) => a.resourceId === resource.id && (a.principalId === principalId || groups.has(a.principalId)),
      )
      .map((a) => a.appRoleId);
  }

  touch(object: { version: number }): void {
    this.version += 1;
    object.version = this.version;
  }

  /** `at` (ms): when the change happened, if not now (PIM applies schedule changes on its own clock). */
  addMember(tenant: Tenant, group: Group, memberId: string, actor: Actor, at?: number): boolean {
    if (group.members.has(memberId)) return false;
    group.members.add(memberId);
    this.indexMembership(tenant, group.id, memberId, true);
    this.recordMembership(tenant, group, memberId, false, actor, at);
    return true;
  }

  removeMember(tenant: Tenant, group: Group, memberId: string, actor: Actor, at?: number): boolean {
    if (!group.members.delete(memberId)) return false;
    this.indexMembership(tenant, group.id, memberId, false);
    this.recordMembership(tenant, group, memberId, true, actor, at);
    return true;
  }

  /** Enables or disables a user; a change is audited as Entra's "Update user" with the AccountEnabled property. */
  setAccountEnabled(tenant: Tenant, user: User, enabled: boolean, actor: Actor): void {
    if (user.accountEnabled === enabled) return;
    user.accountEnabled = enabled;
    this.touch(user);
    this.audits.push({
      id: `Directory_${newGuid()}`,
      tenantId: tenant.id,
      category: 'UserManagement',
      activityDisplayName: 'Update user',
      activityDateTime: new Date(this.now()).toISOString(),
      operationType: 'Update',
      result: 'success',
      loggedByService: 'Core Directory',
      correlationId: newGuid(),
      initiatedBy: initiatedBy(actor),
      targetResources: [
        {
          id: user.id,
          displayName: user.displayName,
          type: 'User',
          userPrincipalName: user.userPrincipalName,
          modifiedProperties: [
            {
              displayName: 'AccountEnabled',
              oldValue: JSON.stringify([!enabled]),
              newValue: JSON.stringify([enabled]),
            },
          ],
        },
      ],
    });
  }

  /** revokeSignInSessions: refresh tokens and SSO sessions issued before now stop working. */
  revokeSessions(user: User): void {
    // One millisecond ahead: a grant issued in this same millisecond is revoked too.
    user.signInSessionsValidFrom = this.now() + 1;
    this.touch(user);
  }

  private recordMembership(
    tenant: Tenant,
    group: Group,
    memberId: string,
    removed: boolean,
    actor: Actor,
    at = this.now(),
  ): void {
    this.touch(group);
    this.membershipChanges.push({
      version: this.version,
      tenantId: tenant.id,
      groupId: group.id,
      memberId,
      removed,
    });
    const member = tenant.users.get(memberId) ?? tenant.groups.get(memberId);
    const memberTarget =
      member && 'userPrincipalName' in member
        ? {
            id: member.id,
            displayName: member.displayName,
            type: 'User',
            userPrincipalName: member.userPrincipalName,
          }
        : { id: memberId, displayName: member?.displayName ?? null, type: 'Group' };
    const quoted = (value: string) => JSON.stringify(value);
    this.audits.push({
      id: `Directory_${newGuid()}`,
      tenantId: tenant.id,
      category: 'GroupManagement',
      activityDisplayName: removed ? 'Remove member from group' : 'Add member to group',
      activityDateTime: new Date(at).toISOString(),
      operationType: removed ? 'Unassign' : 'Assign',
      result: 'success',
      loggedByService: 'Core Directory',
      correlationId: newGuid(),
      initiatedBy: initiatedBy(actor),
      targetResources: [
        {
          ...memberTarget,
          modifiedProperties: [
            {
              displayName: 'Group.ObjectID',
              oldValue: removed ? quoted(group.id) : null,
              newValue: removed ? null : quoted(group.id),
            },
            {
              displayName: 'Group.DisplayName',
              oldValue: removed ? quoted(group.displayName) : null,
              newValue: removed ? null : quoted(group.displayName),
            },
          ],
        },
        { id: group.id, displayName: group.displayName, type: 'Group', modifiedProperties: [] },
      ],
    });
  }
}

/** Graph's `initiatedBy` of a directory audit. */
export function initiatedBy(actor: Actor): Record<string, unknown> {
  switch (actor.kind) {
    case 'user':
      return {
        user: {
          id: actor.id,
          displayName: actor.displayName,
          userPrincipalName: actor.userPrincipalName,
          ipAddress: null,
        },
        app: null,
      };
    case 'app':
      return {
        user: null,
        app: {
          appId: actor.appId,
          displayName: actor.displayName,
          servicePrincipalId: actor.servicePrincipalId,
          servicePrincipalName: actor.displayName,
        },
      };
    default:
      return {
        user: null,
        app: { appId: null, displayName: 'kentra emulator control', servicePrincipalId: null },
      };
  }
}
