/**
 * RBAC that gives more than people usually mean to give: the baseline and
 * risk checks `kentra verify` needs (issue #6), computed offline from the same
 * snapshot as the matrix. "Beyond the defaults" is judged against the API
 * server's bootstrap policy (bootstrap-defaults.ts), so what every cluster has
 * is never reported.
 *
 * - broad-baseline: a binding to system:authenticated / system:unauthenticated
 *   (or user system:anonymous) that the defaults do not have;
 * - modified-default: a default role bound to those groups that now allows more;
 * - cluster-admin: a subject that holds every verb on every resource through a
 *   binding that is neither a default nor expected (e.g. not managed by the access file);
 * - wildcard-rule: a bound, non-default role with `*` in verbs, apiGroups or resources;
 * - risky-permission: a non-default binding that allows escalate/bind on roles,
 *   impersonate, reading secrets, pods/exec, nodes/proxy or serviceaccounts/token
 *   (the escalation paths in the Kubernetes RBAC good-practices page,
 *   https://kubernetes.io/docs/concepts/security/rbac-good-practices/).
 *
 * Membership of system:masters is not visible in RBAC (it comes with a
 * certificate or token); verify checks it from the signed-in identity.
 */
import { aggregateClusterRoles, ruleEqual } from './aggregation.js';
import type {
  Binding,
  ClusterRole,
  PolicyRule,
  RbacSnapshot,
  ResourceRequest,
  Role,
  Subject,
} from './model.js';
import { ruleAllows } from './rule-matching.js';
import { describeSubject } from './subjects.js';

export type RiskCheck =
  | 'broad-baseline'
  | 'modified-default'
  | 'cluster-admin'
  | 'wildcard-rule'
  | 'risky-permission';

export interface RiskFinding {
  readonly check: RiskCheck;
  readonly binding?: { readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly role: { readonly kind: string; readonly name: string };
  readonly subject?: string;
  readonly ruleIndex?: number;
  /** What the finding allows, e.g. ["get secrets", "create pods/exec"]. */
  readonly permissions?: readonly string[];
  readonly message: string;
  readonly hint: string;
}

export interface RiskOptions {
  /** What every cluster has (bootstrap policy); never reported. */
  readonly defaults: RbacSnapshot;
  /** Bindings someone meant to create (e.g. managed by the access file): not reported as cluster-admin. */
  readonly expected?: (binding: Binding) => boolean;
}

const broadSubjects = new Set([
  'Group/system:authenticated',
  'Group/system:unauthenticated',
  'User/system:anonymous',
]);

const riskyProbes: readonly [label: string, request: ResourceRequest][] = [
  ['escalate clusterroles', probe('escalate', 'rbac.authorization.k8s.io', 'clusterroles')],
  ['escalate roles', probe('escalate', 'rbac.authorization.k8s.io', 'roles')],
  ['bind clusterroles', probe('bind', 'rbac.authorization.k8s.io', 'clusterroles')],
  ['bind roles', probe('bind', 'rbac.authorization.k8s.io', 'roles')],
  ['impersonate users', probe('impersonate', '', 'users')],
  ['impersonate groups', probe('impersonate', '', 'groups')],
  ['impersonate serviceaccounts', probe('impersonate', '', 'serviceaccounts')],
  ['get secrets', probe('get', '', 'secrets')],
  ['list secrets', probe('list', '', 'secrets')],
  ['watch secrets', probe('watch', '', 'secrets')],
  ['create pods/exec', probe('create', '', 'pods', 'exec')],
  ['get nodes/proxy', probe('get', '', 'nodes', 'proxy')],
  ['create serviceaccounts/token', probe('create', '', 'serviceaccounts', 'token')],
];

function probe(verb: string, apiGroup: string, resource: string, subresource = ''): ResourceRequest {
  return { verb, apiGroup, resource, subresource, name: '', namespace: '' };
}

function subjectKey(subject: Subject): string {
  return `${subject.kind}/${subject.name}`;
}

function bindingKey(binding: Binding): string {
  return `${binding.kind}/${binding.kind === 'RoleBinding' ? binding.namespace : ''}/${binding.name}`;
}

function bindingRef(binding: Binding): NonNullable<RiskFinding['binding']> {
  return {
    kind: binding.kind,
    name: binding.name,
    ...(binding.kind === 'RoleBinding' ? { namespace: binding.namespace } : {}),
  };
}

function where(binding: Binding): string {
  return binding.kind === 'RoleBinding' ? ` in namespace ${binding.namespace}` : ' cluster-wide';
}

function allowsEverything(rule: PolicyRule): boolean {
  return (
    rule.verbs.includes('*') &&
    rule.apiGroups.includes('*') &&
    rule.resources.includes('*') &&
    rule.resourceNames.length === 0
  );
}

/** What the cluster has, against the API server's defaults: which grants and roles are the defaults. */
interface Baseline {
  /** Whether the defaults have this binding, with this role, for this subject. */
  isDefaultGrant(binding: Binding, subject: Subject): boolean;
  /** A role is a default when the defaults have one of that name with the same rules (or more). */
  isDefaultRole(role: Role | ClusterRole): boolean;
  roleOf(binding: Binding): Role | ClusterRole | undefined;
}

function baseline(snapshot: RbacSnapshot, defaults: RbacSnapshot): Baseline {
  const defaultBindings = new Map<string, Binding>();
  for (const binding of [...defaults.clusterRoleBindings, ...defaults.roleBindings])
    defaultBindings.set(bindingKey(binding), binding);
  // admin/edit/view carry their rules only after aggregation.
  const defaultClusterRoles = new Map(
    aggregateClusterRoles(defaults.clusterRoles).clusterRoles.map((role) => [role.name, role]),
  );
  const defaultRoles = new Map(defaults.roles.map((role) => [`${role.namespace}/${role.name}`, role]));
  const clusterRoles = new Map(snapshot.clusterRoles.map((role) => [role.name, role]));
  const roles = new Map(snapshot.roles.map((role) => [`${role.namespace}/${role.name}`, role]));
  return {
    isDefaultGrant: (binding, subject) => {
      const known = defaultBindings.get(bindingKey(binding));
      return (
        known !== undefined &&
        known.roleRef.kind === binding.roleRef.kind &&
        known.roleRef.name === binding.roleRef.name &&
        known.subjects.some(
          (each) => subjectKey(each) === subjectKey(subject) && each.namespace === subject.namespace,
        )
      );
    },
    isDefaultRole: (role) => {
      const known =
        role.kind === 'ClusterRole'
          ? defaultClusterRoles.get(role.name)
          : defaultRoles.get(`${role.namespace}/${role.name}`);
      return (
        known !== undefined && role.rules.every((rule) => known.rules.some((each) => ruleEqual(each, rule)))
      );
    },
    roleOf: (binding) =>
      binding.roleRef.kind === 'ClusterRole'
        ? clusterRoles.get(binding.roleRef.name)
        : binding.kind === 'RoleBinding' && binding.roleRef.kind === 'Role'
          ? roles.get(`${binding.namespace}/${binding.roleRef.name}`)
          : undefined,
  };
}

/** One binding as the checks see it: its role, and the subjects the defaults do not account for. */
interface BindingView {
  binding: Binding;
  role: Role | ClusterRole | undefined;
  roleRef: { kind: string; name: string };
  namespace: string;
  extraSubjects: Subject[];
}

export function findRisks(snapshot: RbacSnapshot, options: RiskOptions): RiskFinding[] {
  const base = baseline(snapshot, options.defaults);
  const findings: RiskFinding[] = [];
  const reportedRules = new Set<string>();
  for (const binding of [...snapshot.clusterRoleBindings, ...snapshot.roleBindings]) {
    const view: BindingView = {
      binding,
      role: base.roleOf(binding),
      roleRef: { kind: binding.roleRef.kind, name: binding.roleRef.name },
      namespace: binding.kind === 'RoleBinding' ? binding.namespace : '',
      extraSubjects: binding.subjects.filter((subject) => !base.isDefaultGrant(binding, subject)),
    };
    findings.push(...broadSubjectRisks(view, base));
    const { role } = view;
    if (!role || view.extraSubjects.length === 0) continue;
    if (options.expected?.(binding) !== true) findings.push(...clusterAdminRisks(view, role));
    if (!base.isDefaultRole(role)) findings.push(...wildcardRisks(role, view.roleRef, reportedRules));
    findings.push(...riskyPermissionRisks(view, role));
  }
  return findings;
}

/** system:authenticated / system:unauthenticated: a grant beyond the defaults, or a default role widened. */
function broadSubjectRisks(
  { binding, role, roleRef, namespace }: BindingView,
  base: Baseline,
): RiskFinding[] {
  const findings: RiskFinding[] = [];
  for (const subject of binding.subjects) {
    if (!broadSubjects.has(subjectKey(subject))) continue;
    const everyone = subject.name === 'system:authenticated' ? 'signed-in user' : 'anonymous caller';
    if (!base.isDefaultGrant(binding, subject))
      findings.push({
        check: 'broad-baseline',
        binding: bindingRef(binding),
        role: roleRef,
        subject: describeSubject(subject, namespace),
        message: `${binding.kind} ${binding.name} gives ${binding.roleRef.kind} ${binding.roleRef.name} to every ${everyone}${where(binding)}`,
        hint: `Bind the role to the Entra groups that need it instead of ${subject.name}.`,
      });
    else if (role && !base.isDefaultRole(role))
      findings.push({
        check: 'modified-default',
        binding: bindingRef(binding),
        role: roleRef,
        subject: describeSubject(subject, namespace),
        message: `${role.kind} ${role.name}, which every ${everyone} has, allows more than the Kubernetes default`,
        hint: `Restore the default rules (kubectl auth reconcile, or delete it and restart the API server, which recreates it).`,
      });
  }
  return findings;
}

function clusterAdminRisks(view: BindingView, role: Role | ClusterRole): RiskFinding[] {
  const { binding, roleRef, namespace } = view;
  if (!role.rules.some(allowsEverything)) return [];
  return view.extraSubjects.map((subject) => ({
    check: 'cluster-admin',
    binding: bindingRef(binding),
    role: roleRef,
    subject: describeSubject(subject, namespace),
    message: `${describeSubject(subject, namespace)} may do everything${where(binding)} through ${binding.kind} ${binding.name}`,
    hint: 'If this is intended, manage it in the access file; otherwise remove the subject from the binding.',
  }));
}

/** `*` in a rule of a non-default role, each rule reported once however many bindings use the role. */
function wildcardRisks(
  role: Role | ClusterRole,
  roleRef: { kind: string; name: string },
  reported: Set<string>,
): RiskFinding[] {
  const roleKey = `${role.kind}/${role.kind === 'Role' ? role.namespace : ''}/${role.name}`;
  const findings: RiskFinding[] = [];
  role.rules.forEach((rule, ruleIndex) => {
    const wildcards = (['verbs', 'apiGroups', 'resources'] as const).filter((field) =>
      rule[field].includes('*'),
    );
    if (wildcards.length === 0 || allowsEverything(rule) || reported.has(`${roleKey}#${ruleIndex}`)) return;
    reported.add(`${roleKey}#${ruleIndex}`);
    findings.push({
      check: 'wildcard-rule',
      role: roleRef,
      ruleIndex,
      message: `${role.kind} ${role.name} rule ${ruleIndex + 1} uses * in ${wildcards.join(', ')}: it also grants whatever is added to the API later`,
      hint: 'List the verbs, API groups and resources the role needs.',
    });
  });
  return findings;
}

/** Permissions that lead to more access than the role shows (secrets, escalate, impersonate, …). */
function riskyPermissionRisks(view: BindingView, role: Role | ClusterRole): RiskFinding[] {
  const { binding, roleRef, namespace } = view;
  const permissions = riskyProbes
    .filter(([, request]) => role.rules.some((rule) => ruleAllows(rule, request)))
    .map(([label]) => label);
  if (permissions.length === 0 || role.rules.some(allowsEverything)) return [];
  return view.extraSubjects.map((subject) => ({
    check: 'risky-permission',
    binding: bindingRef(binding),
    role: roleRef,
    subject: describeSubject(subject, namespace),
    permissions,
    message: `${describeSubject(subject, namespace)} may ${permissions.join(', ')}${where(binding)} (${binding.kind} ${binding.name})`,
    hint: 'Each of these can lead to more access than the role shows; grant them only to those who need them.',
  }));
}
