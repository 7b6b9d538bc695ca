/**
 * The offline RBAC authorizer. Decisions are upstream's RBACAuthorizer.Authorize
 * (plugin/pkg/auth/authorizer/rbac/rbac.go) over DefaultRuleResolver.VisitRulesFor
 * (pkg/registry/rbac/validation/rule.go):
 *
 * - every ClusterRoleBinding applies everywhere; the RoleBindings of the
 *   request's namespace apply only when the request has a namespace, so
 *   cluster-scoped resources, all-namespace lists and non-resource URLs are
 *   granted by ClusterRoleBindings alone;
 * - a RoleBinding to a ClusterRole grants that role's rules in the binding's
 *   namespace only;
 * - a role that cannot be resolved contributes nothing (other rules still count);
 * - RBAC never denies: "no rule allows" is the answer, and with no other
 *   authorizer configured the request is forbidden.
 *
 * In front of RBAC the API server allows everything to members of
 * `system:masters` (k8s.io/apiserver authorizerfactory.NewPrivilegedGroups);
 * the evaluator does the same so its answers equal a SubjectAccessReview's.
 *
 * Speed: bindings are indexed by subject once; the rules a user holds in a scope
 * are compiled once per user and scope and bucketed by resource (RuleIndex).
 */
import {
  type AccessRequest,
  type Binding,
  type ClusterRole,
  isResourceRequest,
  type PolicyRule,
  type RbacSnapshot,
  type Role,
  type UserInfo,
} from './model.js';
import { emptyRuleIndex, type Grant, type RuleEntry, RuleIndex } from './rule-index.js';
import { describeGrant, groupKey, privilegedGroup, subjectKey, userKey } from './subjects.js';

export type Decision =
  | {
      readonly allowed: true;
      readonly reason: string;
      readonly via: 'privileged-group' | 'rbac';
      readonly entry?: RuleEntry;
    }
  | { readonly allowed: false; readonly reason: string; readonly errors: readonly string[] };

interface IndexedBinding {
  readonly binding: Binding;
  readonly subjectIndex: number;
}

export class RbacEvaluator {
  readonly snapshot: RbacSnapshot;
  private readonly roles = new Map<string, Role>();
  private readonly clusterRoles = new Map<string, ClusterRole>();
  /** ClusterRoleBindings by subject key, in listing order. */
  private readonly clusterBindings = new Map<string, IndexedBinding[]>();
  /** RoleBindings by namespace, then subject key. */
  private readonly namespaceBindings = new Map<string, Map<string, IndexedBinding[]>>();
  private readonly users = new Map<string, SubjectAccess>();
  /** Callers usually pass the same UserInfo object again: skip building the key then. */
  private readonly byIdentity = new WeakMap<UserInfo, SubjectAccess>();
  private readonly bindingOrder = new Map<Binding, number>();
  private readonly namespaceNumbers = new Map<string, number>();

  constructor(snapshot: RbacSnapshot) {
    this.snapshot = snapshot;
    for (const role of snapshot.roles) this.roles.set(`${role.namespace}/${role.name}`, role);
    for (const role of snapshot.clusterRoles) this.clusterRoles.set(role.name, role);
    snapshot.clusterRoleBindings.forEach((binding, order) => {
      this.bindingOrder.set(binding, order);
      indexSubjects(this.clusterBindings, binding, '');
    });
    const offset = snapshot.clusterRoleBindings.length;
    snapshot.roleBindings.forEach((binding, order) => {
      this.bindingOrder.set(binding, offset + order);
      let byKey = this.namespaceBindings.get(binding.namespace);
      if (!byKey) {
        byKey = new Map();
        this.namespaceBindings.set(binding.namespace, byKey);
        this.namespaceNumbers.set(binding.namespace, this.namespaceNumbers.size);
      }
      indexSubjects(byKey, binding, binding.namespace);
    });
  }

  /** A small number for each namespace that has RoleBindings; undefined for the others. */
  namespaceNumber(namespace: string): number | undefined {
    return this.namespaceNumbers.get(namespace);
  }

  /** The compiled view of one user (cached); use it for many checks of the same user. */
  forUser(user: UserInfo): SubjectAccess {
    const same = this.byIdentity.get(user);
    if (same) return same;
    const key = `${user.name}\u0000${user.groups.join('\u0000')}`;
    let access = this.users.get(key);
    if (!access) {
      access = new SubjectAccess(this, user);
      this.users.set(key, access);
    }
    this.byIdentity.set(user, access);
    return access;
  }

  allows(user: UserInfo, request: AccessRequest): boolean {
    return this.forUser(user).allows(request);
  }

  authorize(user: UserInfo, request: AccessRequest): Decision {
    return this.forUser(user).authorize(request);
  }

  /** The bindings (cluster-wide when namespace is "") that apply to a user, with their resolved rules. */
  grantsFor(user: UserInfo, namespace: string): Grant[] {
    const source = namespace === '' ? this.clusterBindings : this.namespaceBindings.get(namespace);
    if (!source) return [];
    const found = new Map<Binding, number>();
    const collect = (key: string) => {
      for (const { binding, subjectIndex } of source.get(key) ?? []) {
        const known = found.get(binding);
        if (known === undefined || subjectIndex < known) found.set(binding, subjectIndex);
      }
    };
    collect(userKey(user.name));
    for (const group of user.groups) collect(groupKey(group));
    return [...found.entries()]
      .sort(([a], [b]) => (this.bindingOrder.get(a) ?? 0) - (this.bindingOrder.get(b) ?? 0))
      .map(([binding, subjectIndex]) => this.resolve(binding, subjectIndex));
  }

  /** upstream GetRoleReferenceRules, with its error texts. */
  roleRules(binding: Binding): { rules: readonly PolicyRule[]; error?: string } {
    const { kind, name } = binding.roleRef;
    if (kind === 'Role') {
      const role =
        binding.kind === 'RoleBinding' ? this.roles.get(`${binding.namespace}/${name}`) : undefined;
      return role
        ? { rules: role.rules }
        : { rules: [], error: `role.rbac.authorization.k8s.io "${name}" not found` };
    }
    if (kind === 'ClusterRole') {
      const role = this.clusterRoles.get(name);
      return role
        ? { rules: role.rules }
        : { rules: [], error: `clusterrole.rbac.authorization.k8s.io "${name}" not found` };
    }
    return { rules: [], error: `unsupported role reference kind: "${kind}"` };
  }

  private resolve(binding: Binding, subjectIndex: number): Grant {
    const { rules, error } = this.roleRules(binding);
    const subject = binding.subjects[subjectIndex];
    if (!subject) throw new Error('subject index out of range');
    return error === undefined ? { binding, subject, rules } : { binding, subject, rules, error };
  }
}

function indexSubjects(index: Map<string, IndexedBinding[]>, binding: Binding, namespace: string): void {
  const seen = new Set<string>();
  binding.subjects.forEach((subject, subjectIndex) => {
    const key = subjectKey(subject, namespace);
    if (key === undefined || seen.has(key)) return;
    seen.add(key);
    const list = index.get(key);
    const entry = { binding, subjectIndex };
    if (list) list.push(entry);
    else index.set(key, [entry]);
  });
}

function ruleIndexOf(grants: readonly Grant[]): RuleIndex {
  return grants.length === 0 ? emptyRuleIndex : new RuleIndex(grants);
}

/** One user's rules, compiled per scope on first use. */
export class SubjectAccess {
  readonly user: UserInfo;
  readonly privileged: boolean;
  private readonly evaluator: RbacEvaluator;
  private clusterIndex: RuleIndex | undefined;
  /** By the evaluator's namespace number: one shared Map lookup per check instead of one Map per user. */
  private readonly namespaceIndexes: (RuleIndex | undefined)[] = [];
  /** Cluster + namespace rules in one index per namespace: one bucket lookup per check. */
  private readonly effectiveIndexes: (RuleIndex | undefined)[] = [];

  constructor(evaluator: RbacEvaluator, user: UserInfo) {
    this.evaluator = evaluator;
    this.user = user;
    this.privileged = user.groups.includes(privilegedGroup);
  }

  /** Rules from ClusterRoleBindings (apply in every namespace and cluster-wide). */
  cluster(): RuleIndex {
    this.clusterIndex ??= ruleIndexOf(this.evaluator.grantsFor(this.user, ''));
    return this.clusterIndex;
  }

  /** Rules from the RoleBindings of one namespace (not including the cluster ones). */
  namespace(namespace: string): RuleIndex {
    const id = this.evaluator.namespaceNumber(namespace);
    if (id === undefined) return emptyRuleIndex;
    let index = this.namespaceIndexes[id];
    if (!index) {
      index = ruleIndexOf(this.evaluator.grantsFor(this.user, namespace));
      this.namespaceIndexes[id] = index;
    }
    return index;
  }

  /** The rules that apply to a request in `namespace` ("" = cluster-wide): ClusterRoleBindings', then RoleBindings'. */
  effective(namespace: string): RuleIndex {
    const id = namespace === '' ? undefined : this.evaluator.namespaceNumber(namespace);
    if (id === undefined) return this.cluster();
    let index = this.effectiveIndexes[id];
    if (!index) {
      const local = this.namespace(namespace);
      index = local.isEmpty ? this.cluster() : new RuleIndex([...this.cluster().grants, ...local.grants]);
      this.effectiveIndexes[id] = index;
    }
    return index;
  }

  allows(request: AccessRequest): boolean {
    if (this.privileged) return true;
    if (!isResourceRequest(request))
      return this.cluster().firstNonResourceMatch(request.verb, request.path) !== undefined;
    return this.effective(request.namespace).firstResourceMatch(request) !== undefined;
  }

  authorize(request: AccessRequest): Decision {
    if (this.privileged)
      return {
        allowed: true,
        via: 'privileged-group',
        reason: `member of the privileged group "${privilegedGroup}"`,
      };
    const entry = this.firstMatch(request);
    if (entry)
      return {
        allowed: true,
        via: 'rbac',
        entry,
        reason: `RBAC: allowed by ${describeGrant(entry.grant.binding, entry.grant.subject)}`,
      };
    const errors = this.resolutionErrors(isResourceRequest(request) ? request.namespace : '');
    return { allowed: false, errors, reason: errors.length > 0 ? `RBAC: ${errors.join(', ')}` : '' };
  }

  private firstMatch(request: AccessRequest): RuleEntry | undefined {
    if (!isResourceRequest(request)) return this.cluster().firstNonResourceMatch(request.verb, request.path);
    return (
      this.cluster().firstResourceMatch(request) ??
      (request.namespace !== '' ? this.namespace(request.namespace).firstResourceMatch(request) : undefined)
    );
  }

  resolutionErrors(namespace: string): string[] {
    const grants = [...this.cluster().grants, ...(namespace !== '' ? this.namespace(namespace).grants : [])];
    return grants.flatMap((grant) => (grant.error === undefined ? [] : [grant.error]));
  }
}

export type { Grant, RuleEntry } from './rule-index.js';
