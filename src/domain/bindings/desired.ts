/**
 * From the access file's rules (with groups resolved to object IDs and
 * namespace selectors resolved to namespaces) to the bindings one cluster
 * should have. Expired rules produce no bindings; their would-be names are
 * returned so that the plan removes what they once created.
 */
import { type AccessRule, isExpired, ruleAppliesTo } from '../access/model.js';
import { type Binding, bindingKey, bindingName } from './binding.js';

export interface ResolvedGroup {
  id: string;
  displayName: string;
  /** Graph's isAssignableToRole, when Graph said (only role administrators manage its members). */
  isAssignableToRole?: boolean;
}

export interface DesiredInput {
  /** The access file's name. */
  owner: string;
  cluster: string;
  rules: readonly AccessRule[];
  /** By rule index. */
  groups: ReadonlyMap<number, ResolvedGroup>;
  /** By rule index, for rules scoped by namespaces or a selector. */
  namespaces: ReadonlyMap<number, readonly string[]>;
  groupPrefix: string;
  now: number;
}

export interface DesiredBindings {
  bindings: Binding[];
  /** Keys (kind/namespace/name) of bindings that expired rules would create. */
  expired: Set<string>;
}

export function desiredBindings(input: DesiredInput): DesiredBindings {
  const bindings = new Map<string, Binding>();
  const expired = new Set<string>();
  for (const rule of input.rules) {
    if (!ruleAppliesTo(rule, input.cluster)) continue;
    const group = input.groups.get(rule.index);
    if (!group) {
      // An expired rule may name a group that is gone from Entra; its bindings
      // still go, through the expiry annotation they carry.
      if (isExpired(rule, input.now)) continue;
      throw new Error(`rules[${rule.index}]: group not resolved`);
    }
    const name = bindingName(rule.group, group.id, rule.roleRef);
    const base = {
      owner: input.owner,
      roleRef: rule.roleRef,
      group,
      subject: input.groupPrefix + group.id.toLowerCase(),
      rule: `rules[${rule.index}]`,
      ...(rule.expires !== undefined ? { expires: new Date(rule.expires).toISOString() } : {}),
    };
    const namespaces = rule.scope.kind === 'cluster' ? [undefined] : (input.namespaces.get(rule.index) ?? []);
    for (const namespace of namespaces) {
      const binding: Binding = namespace
        ? { kind: 'RoleBinding', name, namespace, ...base }
        : { kind: 'ClusterRoleBinding', name, ...base };
      const key = bindingKey(binding.kind, namespace, name);
      if (isExpired(rule, input.now)) expired.add(key);
      // Two rules may grant the same thing (a listed namespace also matched by
      // a selector): one binding serves both; the first rule names it.
      else if (!bindings.has(key)) bindings.set(key, binding);
    }
  }
  for (const key of bindings.keys()) expired.delete(key);
  return { bindings: [...bindings.values()], expired };
}
