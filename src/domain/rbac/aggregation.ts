/**
 * Aggregated ClusterRoles, recomputed offline the way kube-controller-manager's
 * clusterrole-aggregation controller does it
 * (pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go,
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go):
 *
 * - for each selector in order, the ClusterRoles it selects, sorted by name,
 *   skipping the aggregating role itself, contribute their rules in order;
 * - a rule equal to one already collected is dropped (semantic equality:
 *   field-wise, order-sensitive);
 * - the result *replaces* the aggregating role's own rules (hand-written rules
 *   on an aggregating role are lost, kubernetes#65171);
 * - the controller re-syncs every aggregating role on any ClusterRole change, so
 *   nested aggregation settles at a fixed point; we iterate to that point.
 *
 * The API server itself never aggregates: a live cluster's stored rules are what
 * its authorizer enforces. Manifests (GitOps, `kubectl get -o yaml` of a subset)
 * may lack the controller's result, so kentra recomputes there.
 */
import { selectorMatches, selectorProblem } from './label-selector.js';
import type { ClusterRole, PolicyRule } from './model.js';

export interface AggregationResult {
  readonly clusterRoles: readonly ClusterRole[];
  /** Roles whose stored rules differ from what their selectors collect (e.g. the controller has not run). */
  readonly changed: readonly string[];
  /** Invalid selectors; the controller fails on them and leaves the role as stored. */
  readonly problems: readonly string[];
}

export function aggregateClusterRoles(clusterRoles: readonly ClusterRole[]): AggregationResult {
  const byName = new Map<string, ClusterRole>();
  for (const role of clusterRoles) byName.set(role.name, role);
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const problems: string[] = [];
  const aggregating = sorted.filter((role) => {
    if (role.aggregationSelectors === undefined) return false;
    for (const [index, selector] of role.aggregationSelectors.entries()) {
      const problem = selectorProblem(selector);
      if (problem) {
        problems.push(`ClusterRole "${role.name}" aggregationRule.clusterRoleSelectors[${index}].${problem}`);
        return false;
      }
    }
    return true;
  });
  // Every round re-syncs every aggregating role against the current state; a
  // chain of N aggregating roles settles in at most N + 1 rounds.
  for (let round = 0; round <= aggregating.length; round++) {
    let changed = false;
    for (const role of aggregating) {
      const current = byName.get(role.name) as ClusterRole;
      const rules = collectRules(
        current,
        sorted.map((each) => byName.get(each.name) as ClusterRole),
      );
      if (!rulesEqual(rules, current.rules)) {
        byName.set(role.name, { ...current, rules });
        changed = true;
      }
    }
    if (!changed) break;
  }
  const changedNames = aggregating
    .filter((role) => !rulesEqual(role.rules, (byName.get(role.name) as ClusterRole).rules))
    .map((role) => role.name);
  // Keep the input order (first occurrence of each name).
  const seen = new Set<string>();
  const result: ClusterRole[] = [];
  for (const role of clusterRoles) {
    if (seen.has(role.name)) continue;
    seen.add(role.name);
    result.push(byName.get(role.name) as ClusterRole);
  }
  return { clusterRoles: result, changed: changedNames, problems };
}

function collectRules(target: ClusterRole, sortedRoles: readonly ClusterRole[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const selector of target.aggregationSelectors ?? []) {
    for (const role of sortedRoles) {
      if (role.name === target.name || !selectorMatches(selector, role.labels)) continue;
      for (const rule of role.rules) if (!rules.some((have) => ruleEqual(have, rule))) rules.push(rule);
    }
  }
  return rules;
}

function listEqual(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** equality.Semantic.DeepEqual on a PolicyRule: nil and empty lists are equal, order matters. */
export function ruleEqual(a: PolicyRule, b: PolicyRule): boolean {
  return (
    listEqual(a.verbs, b.verbs) &&
    listEqual(a.apiGroups, b.apiGroups) &&
    listEqual(a.resources, b.resources) &&
    listEqual(a.resourceNames, b.resourceNames) &&
    listEqual(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function rulesEqual(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((rule, index) => ruleEqual(rule, b[index] as PolicyRule));
}
