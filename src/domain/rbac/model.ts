/**
 * The RBAC object model kentra evaluates: the fields of rbac.authorization.k8s.io/v1
 * that the authorizer reads, and nothing else. Shapes follow k8s.io/api/rbac/v1
 * (https://github.com/kubernetes/api/blob/master/rbac/v1/types.go).
 */

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface Role {
  readonly kind: 'Role';
  readonly name: string;
  readonly namespace: string;
  readonly rules: readonly PolicyRule[];
}

export interface ClusterRole {
  readonly kind: 'ClusterRole';
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
  /** `aggregationRule.clusterRoleSelectors`; undefined when the role is not an aggregate. */
  readonly aggregationSelectors?: readonly LabelSelector[];
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  /** As written; unknown kinds are kept (they never match, as upstream). */
  readonly kind: string;
  readonly name: string;
  /** ServiceAccount only; empty means "the binding's namespace" (RoleBinding) or "never" (ClusterRoleBinding). */
  readonly namespace: string;
}

export interface RoleRef {
  readonly kind: string;
  readonly name: string;
}

export interface RoleBinding {
  readonly kind: 'RoleBinding';
  readonly name: string;
  readonly namespace: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
}

export interface ClusterRoleBinding {
  readonly kind: 'ClusterRoleBinding';
  readonly name: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
}

export type Binding = RoleBinding | ClusterRoleBinding;

/** Everything the authorizer looks at, plus the namespaces (for the matrix). */
export interface RbacSnapshot {
  readonly roles: readonly Role[];
  readonly clusterRoles: readonly ClusterRole[];
  readonly roleBindings: readonly RoleBinding[];
  readonly clusterRoleBindings: readonly ClusterRoleBinding[];
  readonly namespaces: readonly string[];
}

/** The authenticated identity a request is made as (k8s.io/apiserver user.Info without uid/extra). */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

/**
 * What is asked, as in authorizer.Attributes. A resource request has `resource`
 * set; a non-resource request has `path` set.
 */
export type AccessRequest = ResourceRequest | NonResourceRequest;

export interface ResourceRequest {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** "" = cluster-wide (cluster-scoped objects, or all namespaces). */
  readonly namespace: string;
  readonly path?: undefined;
}

export interface NonResourceRequest {
  readonly verb: string;
  readonly path: string;
  readonly resource?: undefined;
}

export function isResourceRequest(request: AccessRequest): request is ResourceRequest {
  return request.resource !== undefined;
}
