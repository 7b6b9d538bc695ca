/**
 * What membership of one Entra group grants on each cluster of an access
 * file: the rules that name the group, turned into the bindings `kentra rbac`
 * would create, evaluated by the offline RBAC evaluator against the roles it
 * knows (Kubernetes' bootstrap roles, plus any a caller read from a cluster).
 * A role it does not know is named, not guessed.
 */
import { type AccessFile, type AccessRule, isExpired, ruleAppliesTo } from '../access/model.js';
import { capabilities } from '../rbac/capabilities.js';
import { RbacEvaluator, SubjectAccess } from '../rbac/evaluator.js';
import type { ClusterRoleBinding, RbacSnapshot, RoleBinding } from '../rbac/model.js';

export interface ScopeGrant {
  /** `cluster-wide`, `namespace team-a`, or `namespaces labelled env=prod`. */
  scope: string;
  /** `ClusterRole edit`, `Role deployer`. */
  role: string;
  /** What the role allows there (capabilities.ts); empty when the role is unknown. */
  can: string[];
  /** False when the role is neither a bootstrap role nor among the roles given. */
  roleKnown: boolean;
  /** `rules[3]`. */
  rule: string;
}

export interface ClusterGrant {
  cluster: string;
  grants: ScopeGrant[];
}

export interface GroupRef {
  id: string;
  displayName?: string;
}

/** Whether a rule's `group` (a display name or an object ID, as written) names this group. */
export function ruleNamesGroup(rule: AccessRule, group: GroupRef): boolean {
  const written = rule.group.toLowerCase();
  return written === group.id.toLowerCase() || written === group.displayName?.toLowerCase();
}

function scopesOf(rule: AccessRule): { label: string; namespace: string | undefined }[] {
  switch (rule.scope.kind) {
    case 'cluster':
      return [{ label: 'cluster-wide', namespace: undefined }];
    case 'namespaces':
      return rule.scope.namespaces.map((namespace) => ({ label: `namespace ${namespace}`, namespace }));
    case 'selector': {
      const labels = Object.entries(rule.scope.matchLabels).map(([k, v]) => `${k}=${v}`);
      // Which namespaces carry the labels is the cluster's business; one stands for all of them.
      return [{ label: `namespaces labelled ${labels.join(',')}`, namespace: '(selected)' }];
    }
  }
}

function roleKnown(roles: RbacSnapshot, rule: AccessRule, namespace: string | undefined): boolean {
  return rule.roleRef.kind === 'ClusterRole'
    ? roles.clusterRoles.some((r) => r.name === rule.roleRef.name)
    : roles.roles.some((r) => r.name === rule.roleRef.name && r.namespace === namespace);
}

/** Per cluster of the access file, what the group's rules grant (clusters without any are left out). */
export function previewGrants(
  access: AccessFile,
  group: GroupRef,
  roles: RbacSnapshot,
  now: number,
): ClusterGrant[] {
  const subject = `${access.identity.groups.prefix}${group.id.toLowerCase()}`;
  const user = { name: 'kentra:preview', groups: [subject] };
  const subjects = [{ kind: 'Group', name: subject, namespace: '' }];
  const out: ClusterGrant[] = [];
  for (const cluster of access.clusters) {
    const rules = access.rules.filter(
      (rule) => ruleNamesGroup(rule, group) && ruleAppliesTo(rule, cluster.name) && !isExpired(rule, now),
    );
    const grants: ScopeGrant[] = [];
    for (const rule of rules) {
      for (const scope of scopesOf(rule)) {
        const roleRef = rule.roleRef;
        const binding: RoleBinding | ClusterRoleBinding =
          scope.namespace === undefined
            ? { kind: 'ClusterRoleBinding', name: 'preview', roleRef, subjects }
            : { kind: 'RoleBinding', name: 'preview', namespace: scope.namespace, roleRef, subjects };
        const snapshot: RbacSnapshot = {
          ...roles,
          roleBindings: binding.kind === 'RoleBinding' ? [binding] : [],
          clusterRoleBindings: binding.kind === 'ClusterRoleBinding' ? [binding] : [],
          namespaces: scope.namespace === undefined ? [] : [scope.namespace],
        };
        const known = roleKnown(roles, rule, scope.namespace);
        grants.push({
          scope: scope.label,
          role: `${roleRef.kind} ${roleRef.name}`,
          can: known
            ? capabilities(new SubjectAccess(new RbacEvaluator(snapshot), user), scope.namespace ?? '')
            : [],
          roleKnown: known,
          rule: `rules[${rule.index}]`,
        });
      }
    }
    if (grants.length > 0) out.push({ cluster: cluster.name, grants });
  }
  return out;
}

/** One line per scope: `cluster-wide: ClusterRole edit (read pods, delete pods, …)`. */
export function describeGrant(grant: ScopeGrant): string {
  const what = grant.roleKnown
    ? grant.can.length > 0
      ? grant.can.join(', ')
      : 'none of the common actions'
    : 'a role defined on the cluster';
  return `${grant.scope}: ${grant.role} (${what})`;
}
