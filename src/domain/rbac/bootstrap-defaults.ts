/**
 * The RBAC objects kube-apiserver creates at start-up from its bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go,
 * https://github.com/kubernetes/kubernetes/blob/master/plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go),
 * as served by kube-apiserver v1.36.3 (label kubernetes.io/bootstrapping=rbac-defaults).
 * A live cluster has them already; manifests do not, so evaluating manifests
 * adds them unless asked not to. test/e2e/access-bootstrap-defaults.test.ts
 * proves this copy equals the real API server's.
 */

import { aggregateClusterRoles } from './aggregation.js';
import documents from './bootstrap-defaults.json' with { type: 'json' };
import type { RbacSnapshot } from './model.js';
import { RbacCollector } from './parse.js';

export function bootstrapDefaultsDocuments(): unknown[] {
  return documents;
}

export function bootstrapDefaults(): RbacSnapshot {
  const collector = new RbacCollector();
  documents.forEach((document, index) => {
    collector.add(document, `bootstrap defaults [${index}]`);
  });
  const { snapshot } = collector.result();
  // Their Roles live in kube-system / kube-public; those are not "your" namespaces.
  return { ...snapshot, namespaces: [] };
}

/** The bootstrap objects with the aggregated roles' rules filled in (admin, edit, view), as a running cluster has them. */
export function aggregatedBootstrapDefaults(): RbacSnapshot {
  const defaults = bootstrapDefaults();
  return { ...defaults, clusterRoles: aggregateClusterRoles(defaults.clusterRoles).clusterRoles };
}
