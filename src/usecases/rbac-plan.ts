/**
 * `kentra rbac plan`: resolve the file against Entra and the cluster, then
 * diff the desired kentra-managed bindings against the ones that exist. Reads
 * only; every problem found is reported at once and stops the command.
 */

import type { GraphClient } from '../adapters/graph/client.js';
import type { KubeClient } from '../adapters/kube/client.js';
import { invalidAccessFile } from '../domain/access/issues.js';
import { type AccessRule, type ClusterSpec, isExpired, ruleAppliesTo } from '../domain/access/model.js';
import { type BindingObject, managedSelector } from '../domain/bindings/binding.js';
import { desiredBindings } from '../domain/bindings/desired.js';
import { type Plan, planBindings } from '../domain/bindings/plan.js';
import { aksGroupPrefix } from '../domain/cluster-config/aks.js';
import type { ValidationIssue } from '../domain/config-check/issues.js';
import { didYouMeanSuffix } from '../domain/config-check/suggest.js';
import type { LoadedAccessFile } from './load-access.js';
import { resolveGroups } from './resolve-groups.js';
import { selectCluster } from './select-cluster.js';

export interface PlanDeps {
  kube: Pick<KubeClient, 'list' | 'apply' | 'delete' | 'request'>;
  graph?: GraphClient;
  now: number;
}

export interface RbacPlanResult {
  cluster: ClusterSpec;
  plan: Plan;
  warnings: string[];
}

interface Named {
  metadata: { name: string; labels?: Record<string, string> };
}

const rbac = '/apis/rbac.authorization.k8s.io/v1';

export async function planRbac(
  access: LoadedAccessFile,
  options: { cluster?: string; prune: boolean },
  deps: PlanDeps,
): Promise<RbacPlanResult> {
  const { file } = access;
  const cluster = selectCluster(file, options.cluster);
  const rules = file.rules.filter((rule) => ruleAppliesTo(rule, cluster.name));
  const warnings = [...access.warnings];
  const resolved = await resolveGroups(rules, deps.graph);
  warnings.push(...resolved.warnings);
  // A group that is gone from Entra does not block removing an expired grant.
  const expiredRules = new Set(rules.filter((rule) => isExpired(rule, deps.now)).map((rule) => rule.index));
  const issues: ValidationIssue[] = resolved.issues.filter(
    (issue) => !expiredRules.has(issue.path[1] as number),
  );

  const namespaces = await targetsInCluster(rules, cluster.name, deps, issues, warnings);
  if (issues.length > 0) throw invalidAccessFile(access.path, issues, access.locate);

  const current = await managedBindings(deps.kube, file.name);
  const desired = desiredBindings({
    owner: file.name,
    cluster: cluster.name,
    rules,
    groups: resolved.groups,
    namespaces,
    groupPrefix: cluster.kind === 'aks' ? aksGroupPrefix : file.identity.groups.prefix,
    now: deps.now,
  });
  const plan = planBindings({
    owner: file.name,
    cluster: cluster.name,
    desired: desired.bindings,
    expired: desired.expired,
    current,
    prune: options.prune,
    now: deps.now,
  });
  return { cluster, plan, warnings };
}

/**
 * Where each rule lands in the cluster (rule index -> namespaces), checking that what the live rules
 * name exists: namespaces, ClusterRoles, Roles in each namespace. Problems go to `issues`.
 */
async function targetsInCluster(
  rules: readonly AccessRule[],
  cluster: string,
  deps: PlanDeps,
  issues: ValidationIssue[],
  warnings: string[],
): Promise<Map<number, string[]>> {
  const [namespaceObjects, clusterRoles] = await Promise.all([
    deps.kube.list<Named>('/api/v1/namespaces'),
    deps.kube.list<Named>(`${rbac}/clusterroles`),
  ]);
  const namespaceNames = namespaceObjects.map((item) => item.metadata.name);
  const clusterRoleNames = clusterRoles.map((item) => item.metadata.name);
  const rolesOf = roleLister(deps.kube);
  const namespaces = new Map<number, string[]>();
  for (const rule of rules) {
    const expired = isExpired(rule, deps.now);
    const targets = await ruleNamespaces(
      rule,
      namespaceNames,
      deps,
      expired ? undefined : issues,
      cluster,
      warnings,
    );
    if (targets) namespaces.set(rule.index, targets);
    if (expired) continue; // An expired rule only removes; what it named need not exist any more.
    if (rule.roleRef.kind === 'ClusterRole' && !clusterRoleNames.includes(rule.roleRef.name))
      issues.push({
        path: ['rules', rule.index, 'clusterRole'],
        message: `no ClusterRole named "${rule.roleRef.name}" in cluster "${cluster}"${didYouMeanSuffix(rule.roleRef.name, clusterRoleNames)}`,
        hint: 'Create the ClusterRole first, or fix the name (`kubectl get clusterroles`).',
      });
    if (rule.roleRef.kind === 'Role')
      for (const namespace of targets ?? []) {
        const roles = await rolesOf(namespace);
        if (!roles.includes(rule.roleRef.name))
          issues.push({
            path: ['rules', rule.index, 'role'],
            message: `no Role named "${rule.roleRef.name}" in namespace "${namespace}"${didYouMeanSuffix(rule.roleRef.name, roles)}`,
            hint: `Create the Role first (kubectl get roles -n ${namespace}).`,
          });
      }
  }
  return namespaces;
}

/** The Role names of a namespace, listed once per namespace however many rules ask. */
function roleLister(kube: PlanDeps['kube']): (namespace: string) => Promise<string[]> {
  const rolesIn = new Map<string, Promise<string[]>>();
  return (namespace) => {
    let roles = rolesIn.get(namespace);
    if (!roles) {
      roles = kube
        .list<Named>(`${rbac}/namespaces/${namespace}/roles`)
        .then((items) => items.map((item) => item.metadata.name));
      rolesIn.set(namespace, roles);
    }
    return roles;
  };
}

/** The bindings this access file manages in the cluster (by label). */
async function managedBindings(kube: PlanDeps['kube'], owner: string): Promise<BindingObject[]> {
  const [clusterBindings, bindings] = await Promise.all([
    kube.list<BindingObject>(`${rbac}/clusterrolebindings`, { labelSelector: managedSelector(owner) }),
    kube.list<BindingObject>(`${rbac}/rolebindings`, { labelSelector: managedSelector(owner) }),
  ]);
  // List responses omit kind and apiVersion on items.
  return [
    ...clusterBindings.map((item) => ({ ...item, kind: 'ClusterRoleBinding' as const })),
    ...bindings.map((item) => ({ ...item, kind: 'RoleBinding' as const })),
  ];
}

async function ruleNamespaces(
  rule: AccessRule,
  existing: readonly string[],
  deps: PlanDeps,
  issues: ValidationIssue[] | undefined,
  cluster: string,
  warnings: string[],
): Promise<string[] | undefined> {
  if (rule.scope.kind === 'cluster') return undefined;
  if (rule.scope.kind === 'namespaces') {
    rule.scope.namespaces.forEach((namespace, i) => {
      if (!existing.includes(namespace))
        issues?.push({
          path: ['rules', rule.index, 'namespaces', i],
          message: `namespace "${namespace}" does not exist in cluster "${cluster}"${didYouMeanSuffix(namespace, existing)}`,
          hint: 'Create the namespace first, or use namespaceSelector to follow namespaces as they come and go.',
        });
    });
    return rule.scope.namespaces.filter((namespace) => existing.includes(namespace));
  }
  const selector = Object.entries(rule.scope.matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const matched = await deps.kube.list<Named>('/api/v1/namespaces', { labelSelector: selector });
  if (matched.length === 0)
    warnings.push(`rules[${rule.index}].namespaceSelector matches no namespace in cluster "${cluster}"`);
  return matched.map((item) => item.metadata.name);
}
