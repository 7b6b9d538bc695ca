/**
 * The RoleBindings and ClusterRoleBindings kentra manages: how they are named
 * and labelled, so that kentra finds its own and never touches anyone else's.
 */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'kentra';
export const accessFileLabel = 'kentra.dev/access-file';
export const groupIdLabel = 'kentra.dev/group-id';
export const groupNameAnnotation = 'kentra.dev/group-name';
export const ruleAnnotation = 'kentra.dev/rule';
export const expiresAnnotation = 'kentra.dev/expires';
export const fieldManager = 'kentra';

const rbacGroup = 'rbac.authorization.k8s.io';

export type BindingKind = 'ClusterRoleBinding' | 'RoleBinding';

export interface RoleRef {
  kind: 'ClusterRole' | 'Role';
  name: string;
}

export interface Binding {
  /** The access file's name (label kentra.dev/access-file). */
  owner: string;
  kind: BindingKind;
  name: string;
  namespace?: string;
  roleRef: RoleRef;
  group: { id: string; displayName: string };
  /** The subject name the API server sees: group prefix + object ID. */
  subject: string;
  /** Which rule asked for it, e.g. `rules[2]`. */
  rule: string;
  /** RFC 3339, when the rule is time-limited. */
  expires?: string;
}

/** A binding as read from the cluster (the fields kentra compares). */
export interface BindingObject {
  apiVersion: string;
  kind: BindingKind;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; apiGroup?: string; namespace?: string }[];
}

function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 40) || 'group';
}

/**
 * `kentra:<group as written>-<first 8 of its object id>:<clusterrole|role>:<name>`,
 * or `kentra:<object id>:...` when the rule names the group by ID. It depends
 * only on the file and the ID, never on a display name read from Graph, so a
 * renamed group does not churn its bindings. RBAC object names may contain
 * ":" (compare system:basic-user).
 */
export function bindingName(written: string, groupId: string, roleRef: RoleRef): string {
  const id = groupId.toLowerCase();
  const group = written.toLowerCase() === id ? id : `${slug(written)}-${id.slice(0, 8)}`;
  return `kentra:${group}:${roleRef.kind.toLowerCase()}:${roleRef.name}`;
}

export function toManifest(binding: Binding): BindingObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: binding.kind,
    metadata: {
      name: binding.name,
      ...(binding.namespace ? { namespace: binding.namespace } : {}),
      labels: {
        [managedByLabel]: managedByValue,
        [accessFileLabel]: binding.owner,
        [groupIdLabel]: binding.group.id.toLowerCase(),
      },
      annotations: {
        [groupNameAnnotation]: binding.group.displayName,
        [ruleAnnotation]: binding.rule,
        ...(binding.expires ? { [expiresAnnotation]: binding.expires } : {}),
      },
    },
    roleRef: { apiGroup: rbacGroup, kind: binding.roleRef.kind, name: binding.roleRef.name },
    subjects: [{ kind: 'Group', apiGroup: rbacGroup, name: binding.subject }],
  };
}

/** Label selector for the bindings one access file manages. */
export function managedSelector(owner: string): string {
  return `${managedByLabel}=${managedByValue},${accessFileLabel}=${owner}`;
}

export function bindingKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
