/**
 * The people part of a seed: groups, users (with `memberOf`) and group
 * `members` (users or nested groups), every name resolved to an object ID
 * through the build's indexes: one pass over each list, so a tenant of
 * 100,000 users and 1,000,000 memberships loads in linear time.
 */
import { stableGuid } from './ids.js';
import type { Group, User } from './model.js';
import { created, type TenantBuild } from './seed-build.js';

export function addGroups(build: TenantBuild): void {
  const { seed, tenant, groupsByName } = build;
  (seed.groups ?? []).forEach((g, i) => {
    const key = g.displayName.toLowerCase();
    if (groupsByName.has(key))
      build.problems.add(`${build.path}.groups[${i}].displayName`, `duplicate group ${g.displayName}`);
    const group: Group = {
      id: (g.id ?? stableGuid(build.tenant.id, 'group', key)).toLowerCase(),
      displayName: g.displayName,
      description: g.description ?? null,
      securityEnabled: g.securityEnabled ?? true,
      mailEnabled: false,
      isAssignableToRole: g.isAssignableToRole ?? false,
      members: new Set(),
      createdDateTime: created,
      version: 0,
    };
    groupsByName.set(key, group);
    tenant.groups.set(group.id, group);
  });
}

export function addUsers(build: TenantBuild): void {
  const { seed, tenant, usersByUpn, groupsByName } = build;
  (seed.users ?? []).forEach((u, i) => {
    const upn = u.userPrincipalName;
    const key = upn.toLowerCase();
    if (usersByUpn.has(key))
      build.problems.add(`${build.path}.users[${i}].userPrincipalName`, `duplicate user ${upn}`);
    const [first, ...rest] = (u.displayName ?? upn.split('@')[0] ?? upn).split(' ');
    const user: User = {
      id: (u.id ?? stableGuid(build.tenant.id, 'user', key)).toLowerCase(),
      userPrincipalName: upn,
      displayName: u.displayName ?? upn,
      givenName: first ?? null,
      surname: rest.length > 0 ? rest.join(' ') : null,
      mail: u.mail ?? (u.userType === 'Guest' ? null : upn),
      userType: u.userType ?? 'Member',
      accountEnabled: u.accountEnabled ?? true,
      password: u.password,
      mfaCode: u.mfaCode ?? '000000',
      createdDateTime: created,
      signInSessionsValidFrom: 0,
      version: 0,
    };
    usersByUpn.set(key, user);
    tenant.users.set(user.id, user);
    (u.memberOf ?? []).forEach((name, j) => {
      const group = groupsByName.get(name.toLowerCase());
      if (group) group.members.add(user.id);
      else
        build.problems.add(
          `${build.path}.users[${i}].memberOf[${j}]`,
          `no group named ${JSON.stringify(name)} in groups`,
        );
    });
  });
}

/** Group `members`: users by UPN or nested groups by name. */
export function addGroupMembers(build: TenantBuild): void {
  const { seed, usersByUpn, groupsByName } = build;
  (seed.groups ?? []).forEach((g, i) => {
    const group = groupsByName.get(g.displayName.toLowerCase());
    (g.members ?? []).forEach((member, j) => {
      const target = usersByUpn.get(member.toLowerCase()) ?? groupsByName.get(member.toLowerCase());
      if (!target)
        build.problems.add(
          `${build.path}.groups[${i}].members[${j}]`,
          `no user or group ${JSON.stringify(member)}`,
        );
      else if (target === group)
        build.problems.add(`${build.path}.groups[${i}].members[${j}]`, 'a group cannot contain itself');
      else group?.members.add(target.id);
    });
  });
}
