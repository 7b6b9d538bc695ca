/**
 * Combines snapshots the way applying manifests to a cluster would: an object
 * in `top` replaces the object of the same kind, namespace and name in `base`.
 */
import type { RbacSnapshot } from './model.js';

interface Named {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

function overlay<T extends Named>(base: readonly T[], top: readonly T[]): T[] {
  const key = (object: T) => `${object.kind}/${object.namespace ?? ''}/${object.name}`;
  const replaced = new Set(top.map(key));
  return [...base.filter((object) => !replaced.has(key(object))), ...top];
}

export function overlaySnapshot(base: RbacSnapshot, top: RbacSnapshot): RbacSnapshot {
  return {
    roles: overlay(base.roles, top.roles),
    clusterRoles: overlay(base.clusterRoles, top.clusterRoles),
    roleBindings: overlay(base.roleBindings, top.roleBindings),
    clusterRoleBindings: overlay(base.clusterRoleBindings, top.clusterRoleBindings),
    namespaces: [...new Set([...base.namespaces, ...top.namespaces])].sort(),
  };
}
