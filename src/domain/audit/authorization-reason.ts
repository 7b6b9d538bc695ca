/**
 * What granted a request, read from the `authorization.k8s.io/reason` audit
 * annotation. The RBAC authorizer writes it with the describers of
 * kubernetes/kubernetes pkg/registry/rbac/validation/rule.go:
 *
 *   RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "g"
 *   RBAC: allowed by RoleBinding "x/ns" of Role "y" to User "u"
 *
 * Only the first matching rule is named, so this is "a" binding that grants the
 * request, which is what an auditor asks for.
 */
export interface GrantingBinding {
  bindingKind: 'ClusterRoleBinding' | 'RoleBinding';
  binding: string;
  /** Set for RoleBindings only. */
  bindingNamespace?: string;
  roleKind: string;
  role: string;
  subjectKind: string;
  subject: string;
}

const rbacAllowed =
  /allowed by (ClusterRoleBinding|RoleBinding) "([^"]*)" of (\w+) "([^"]*)" to (\w+) "([^"]*)"/;

export function parseGrantingBinding(reason: string | undefined): GrantingBinding | undefined {
  if (!reason) return undefined;
  const match = rbacAllowed.exec(reason);
  if (!match) return undefined;
  const [, bindingKind, bindingRef = '', roleKind = '', role = '', subjectKind = '', subject = ''] = match;
  const granting: GrantingBinding = {
    bindingKind: bindingKind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding',
    binding: bindingRef,
    roleKind,
    role,
    subjectKind,
    subject,
  };
  if (granting.bindingKind === 'RoleBinding') {
    // RoleBinding references are written "name/namespace".
    const slash = bindingRef.lastIndexOf('/');
    if (slash > 0) {
      granting.binding = bindingRef.slice(0, slash);
      granting.bindingNamespace = bindingRef.slice(slash + 1);
    }
  }
  return granting;
}
