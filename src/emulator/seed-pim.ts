/**
 * The PIM part of a seed (`privilegedAccessGroups`): each entry onboards a
 * group to PIM for Groups with its member-activation policy, approvers and
 * eligible users. Defaults are those of a newly onboarded group in Entra:
 * 8 hours at most, justification required, no MFA, no approval.
 */
import { stableGuid } from './ids.js';
import type { PimApprover } from './pim-model.js';
import { created, type TenantBuild } from './seed-build.js';

export function addPrivilegedAccessGroups(build: TenantBuild): void {
  const { seed, tenant, usersByUpn, groupsByName } = build;
  const pim = tenant.privilegedAccess;
  (seed.privilegedAccessGroups ?? []).forEach((entry, i) => {
    const where = `${build.path}.privilegedAccessGroups[${i}]`;
    const group = groupsByName.get(entry.group.toLowerCase());
    if (!group) {
      build.problems.add(`${where}.group`, `no group named ${JSON.stringify(entry.group)} in groups`);
      return;
    }
    if (pim.policies.has(group.id)) {
      build.problems.add(`${where}.group`, `${entry.group} is onboarded twice`);
      return;
    }
    const approvers: PimApprover[] = [];
    (entry.approvers ?? []).forEach((ref, j) => {
      const user = usersByUpn.get(ref.toLowerCase());
      const approverGroup = user ? undefined : groupsByName.get(ref.toLowerCase());
      if (user) approvers.push({ kind: 'user', id: user.id });
      else if (approverGroup) approvers.push({ kind: 'group', id: approverGroup.id });
      else build.problems.add(`${where}.approvers[${j}]`, `no user or group ${JSON.stringify(ref)}`);
    });
    pim.policies.set(group.id, {
      groupId: group.id,
      policyId: `Group_${group.id}_${stableGuid(group.id, 'pim-policy')}`,
      maximumDuration: entry.maximumDuration ?? 'PT8H',
      requireJustification: entry.requireJustification ?? true,
      requireMfa: entry.requireMfa ?? false,
      requireTicket: entry.requireTicket ?? false,
      authenticationContext: entry.authenticationContext,
      approvers,
    });
    (entry.eligible ?? []).forEach((ref, j) => {
      const user = usersByUpn.get(ref.toLowerCase());
      if (!user) {
        build.problems.add(
          `${where}.eligible[${j}]`,
          groupsByName.has(ref.toLowerCase())
            ? 'the emulator makes users eligible, not groups'
            : `no user ${JSON.stringify(ref)}`,
        );
        return;
      }
      pim.eligibility.push({
        id: `${group.id}_member_${stableGuid(group.id, 'eligible', user.id)}`,
        groupId: group.id,
        principalId: user.id,
        accessId: 'member',
        createdDateTime: created,
        startDateTime: created,
        endDateTime: null,
      });
    });
  });
}
