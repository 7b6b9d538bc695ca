/**
 * Which binding subjects apply to a user, as upstream's appliesToUser
 * (pkg/registry/rbac/validation/rule.go):
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/rbac/validation/rule.go
 *
 * - User: the user's name equals the subject's name.
 * - Group: the subject's name is one of the user's groups.
 * - ServiceAccount: the user's name is `system:serviceaccount:NS:NAME`, where NS
 *   is the subject's namespace or, when empty, the RoleBinding's namespace; in a
 *   ClusterRoleBinding a ServiceAccount without namespace never matches.
 * - any other kind never matches.
 */
import type { Binding, Subject, UserInfo } from './model.js';

export const serviceAccountUsernamePrefix = 'system:serviceaccount:';
export const allServiceAccountsGroup = 'system:serviceaccounts';
export const authenticatedGroup = 'system:authenticated';
/** The group the API server allows everything before RBAC is asked (k8s.io/apiserver authorizerfactory.NewPrivilegedGroups). */
export const privilegedGroup = 'system:masters';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUsernamePrefix}${namespace}:${name}`;
}

/**
 * The identity a ServiceAccount token authenticates as
 * (k8s.io/apiserver/pkg/authentication/serviceaccount: UserInfo / MakeGroupNames).
 */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: serviceAccountUsername(namespace, name),
    groups: [allServiceAccountsGroup, `${allServiceAccountsGroup}:${namespace}`, authenticatedGroup],
  };
}

/**
 * The string a subject is indexed under: `user:NAME` (also ServiceAccounts,
 * which match by user name) or `group:NAME`; undefined when it can never match.
 * `bindingNamespace` is "" for ClusterRoleBindings.
 */
export function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User':
      return userKey(subject.name);
    case 'Group':
      return groupKey(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace !== '' ? subject.namespace : bindingNamespace;
      return namespace === '' ? undefined : userKey(serviceAccountUsername(namespace, subject.name));
    }
    default:
      return undefined;
  }
}

export function userKey(name: string): string {
  return `user:${name}`;
}

export function groupKey(name: string): string {
  return `group:${name}`;
}

export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  const key = subjectKey(subject, bindingNamespace);
  if (key === undefined) return false;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  return key === userKey(user.name);
}

/** The index of the first subject of a binding that applies, or -1 (upstream appliesTo). */
export function firstApplyingSubject(user: UserInfo, binding: Binding): number {
  const namespace = binding.kind === 'RoleBinding' ? binding.namespace : '';
  return binding.subjects.findIndex((subject) => appliesToUser(user, subject, namespace));
}

/** As upstream's describeSubject: `Kind "name"`, ServiceAccounts as `"name/namespace"`. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount')
    return `${subject.kind} "${subject.name}/${subject.namespace !== '' ? subject.namespace : bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

/** As upstream's binding describers: `ClusterRoleBinding "n" of ClusterRole "r" to Group "g"`. */
export function describeGrant(binding: Binding, subject: Subject): string {
  const namespace = binding.kind === 'RoleBinding' ? binding.namespace : '';
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  return `${binding.kind} "${name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, namespace)}`;
}
