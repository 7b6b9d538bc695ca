/**
 * The PIM state of the groups the access file's rules name: whether a group
 * is managed by PIM for Groups (onboarded: it has a PIM policy, or eligible
 * members) and who is a permanent member (PIM lists members added outside it
 * as `assigned` assignments; activations are `activated`). `kentra verify`
 * checks `jit: true` rules with it; `entra check` warns when a group with
 * permanent members gets cluster-admin-like rights.
 *
 * Reading PIM needs PrivilegedEligibilitySchedule.Read.AzureADGroup,
 * PrivilegedAssignmentSchedule.Read.AzureADGroup and
 * RoleManagementPolicy.Read.AzureADGroup (application or delegated).
 */
import type { GraphClient } from '../adapters/graph/client.js';
import { groupEligibility, groupMemberships, groupPolicy } from '../adapters/graph/privileged-access.js';
import type { AccessRule } from '../domain/access/model.js';
import type { JitGroupFact } from '../domain/verify/facts.js';
import { resolveGroups } from './resolve-groups.js';

export interface GroupPimState {
  groupId: string;
  /** Onboarded to PIM: a member-activation policy exists, or someone is eligible. */
  pimManaged: boolean;
  eligible: number;
  /** Object IDs of members who are not there through a PIM activation. */
  permanentMembers: string[];
  /** Members there through an activation now. */
  activated: number;
}

export async function groupPimState(graph: GraphClient, groupId: string): Promise<GroupPimState> {
  const [policy, eligibility, memberships] = await Promise.all([
    groupPolicy(graph, groupId),
    groupEligibility(graph, groupId),
    groupMemberships(graph, groupId),
  ]);
  return {
    groupId,
    pimManaged: policy !== undefined || eligibility.length > 0,
    eligible: eligibility.length,
    permanentMembers: memberships.filter((m) => m.kind === 'assigned').map((m) => m.principalId),
    activated: memberships.filter((m) => m.kind === 'activated').length,
  };
}

/** verify's facts for `jit: true` rules: each rule's group, PIM-managed or not, and its permanent members. */
export async function jitGroupFacts(
  rules: readonly AccessRule[],
  graph: GraphClient,
): Promise<JitGroupFact[]> {
  const resolved = await resolveGroups(rules, graph);
  return Promise.all(
    rules.map(async (rule) => {
      const group = resolved.groups.get(rule.index);
      if (!group)
        return { rule: `rules[${rule.index}]`, group: rule.group, pimManaged: false, permanentMembers: [] };
      const state = await groupPimState(graph, group.id);
      return {
        rule: `rules[${rule.index}]`,
        group: group.displayName,
        pimManaged: state.pimManaged,
        permanentMembers: state.permanentMembers,
      };
    }),
  );
}
