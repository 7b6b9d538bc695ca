/**
 * The rows of the access matrix: who is asked about. Entra users (as the
 * identity they sign in with: prefixed object ID, their prefixed groups and
 * system:authenticated), Entra groups (a member's access through that group
 * alone), and every other subject named in a binding.
 */
import {
  type EntraDirectory,
  entraGroupIdOf,
  entraUserIdOf,
  type IdentityMapping,
  kubernetesUserOf,
} from './directory.js';
import type { RbacSnapshot, UserInfo } from './model.js';
import { authenticatedGroup, serviceAccountUser } from './subjects.js';

export type MatrixSubjectKind = 'EntraUser' | 'EntraGroup' | 'User' | 'Group' | 'ServiceAccount';

export interface MatrixSubject {
  readonly kind: MatrixSubjectKind;
  /** The Kubernetes name: user name, group name, or `system:serviceaccount:NS:NAME`. */
  readonly name: string;
  /** What people call it: the Entra display name, else the Kubernetes name. */
  readonly displayName: string;
  readonly entraId?: string;
  readonly userPrincipalName?: string;
  /** The identity evaluated for this row. */
  readonly user: UserInfo;
}

/** Kubernetes' own namespaces: their ServiceAccounts are components, not people. */
const systemNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface SubjectOptions {
  /**
   * Include Kubernetes' own components: subjects named `system:*` and the
   * ServiceAccounts of kube-system, kube-public and kube-node-lease. Default false.
   */
  readonly includeSystem?: boolean;
  /** Only Entra users and groups (from the directory, or bound with the Entra prefixes). Default false. */
  readonly entraOnly?: boolean;
}

export function matrixSubjects(
  snapshot: RbacSnapshot,
  directory: EntraDirectory,
  mapping: IdentityMapping,
  options: SubjectOptions = {},
): MatrixSubject[] {
  const subjects: MatrixSubject[] = [];
  const seen = new Set<string>();
  const add = (subject: MatrixSubject) => {
    if (options.entraOnly && subject.kind !== 'EntraUser' && subject.kind !== 'EntraGroup') return;
    const key = `${subject.kind === 'EntraGroup' || subject.kind === 'Group' ? 'group' : 'user'}:${subject.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    subjects.push(subject);
  };
  for (const user of directory.users()) {
    const identity = kubernetesUserOf(user, mapping);
    add({
      kind: 'EntraUser',
      name: identity.name,
      displayName: user.displayName,
      entraId: user.id,
      ...(user.userPrincipalName === undefined ? {} : { userPrincipalName: user.userPrincipalName }),
      user: identity,
    });
  }
  for (const group of directory.groups()) {
    const name = `${mapping.groupPrefix}${group.id}`;
    add({
      kind: 'EntraGroup',
      name,
      displayName: group.displayName,
      entraId: group.id,
      user: groupMember(name),
    });
  }
  const bindings = [...snapshot.clusterRoleBindings, ...snapshot.roleBindings];
  for (const binding of bindings) {
    for (const subject of binding.subjects) {
      if (!options.includeSystem && subject.name.startsWith('system:')) continue;
      if (subject.kind === 'Group' || subject.kind === 'User') {
        const isGroup = subject.kind === 'Group';
        const entraId = (isGroup ? entraGroupIdOf : entraUserIdOf)(subject.name, mapping);
        const known = entraId === undefined ? undefined : directory.displayName(entraId);
        add({
          kind: entraId === undefined ? subject.kind : isGroup ? 'EntraGroup' : 'EntraUser',
          name: subject.name,
          displayName: known ?? subject.name,
          ...(entraId === undefined ? {} : { entraId }),
          user: isGroup ? groupMember(subject.name) : { name: subject.name, groups: [authenticatedGroup] },
        });
      } else if (subject.kind === 'ServiceAccount') {
        const namespace =
          subject.namespace !== ''
            ? subject.namespace
            : binding.kind === 'RoleBinding'
              ? binding.namespace
              : '';
        if (namespace === '' || (!options.includeSystem && systemNamespaces.has(namespace))) continue;
        const user = serviceAccountUser(namespace, subject.name);
        add({ kind: 'ServiceAccount', name: user.name, displayName: `${namespace}/${subject.name}`, user });
      }
    }
  }
  return subjects;
}

/** A row for a group shows what membership in that group alone grants. */
function groupMember(group: string): UserInfo {
  return { name: '', groups: [group] };
}
