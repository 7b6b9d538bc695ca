/**
 * The resources the access matrix has columns for. RBAC rules may say `*`, so
 * the matrix needs a list to expand it against: a built-in list of the
 * Kubernetes resources people ask about (including the subresources that matter
 * for security), plus every resource a rule names explicitly (custom resources).
 */
import type { PolicyRule } from './model.js';

export interface CatalogResource {
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespaced: boolean;
}

type Row = readonly [group: string, resource: string, namespaced: boolean];

// Scopes as served by kube-apiserver v1.36 discovery.
const builtIn: readonly Row[] = [
  ['', 'pods', true],
  ['', 'pods/log', true],
  ['', 'pods/exec', true],
  ['', 'pods/attach', true],
  ['', 'pods/portforward', true],
  ['', 'pods/ephemeralcontainers', true],
  ['', 'services', true],
  ['', 'services/proxy', true],
  ['', 'endpoints', true],
  ['', 'configmaps', true],
  ['', 'secrets', true],
  ['', 'serviceaccounts', true],
  ['', 'serviceaccounts/token', true],
  ['', 'persistentvolumeclaims', true],
  ['', 'events', true],
  ['', 'resourcequotas', true],
  ['', 'limitranges', true],
  ['', 'namespaces', false],
  ['', 'nodes', false],
  ['', 'nodes/proxy', false],
  ['', 'persistentvolumes', false],
  ['apps', 'deployments', true],
  ['apps', 'deployments/scale', true],
  ['apps', 'statefulsets', true],
  ['apps', 'daemonsets', true],
  ['apps', 'replicasets', true],
  ['batch', 'jobs', true],
  ['batch', 'cronjobs', true],
  ['autoscaling', 'horizontalpodautoscalers', true],
  ['policy', 'poddisruptionbudgets', true],
  ['networking.k8s.io', 'ingresses', true],
  ['networking.k8s.io', 'networkpolicies', true],
  ['coordination.k8s.io', 'leases', true],
  ['rbac.authorization.k8s.io', 'roles', true],
  ['rbac.authorization.k8s.io', 'rolebindings', true],
  ['rbac.authorization.k8s.io', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', false],
  ['storage.k8s.io', 'storageclasses', false],
  ['apiextensions.k8s.io', 'customresourcedefinitions', false],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', false],
  ['certificates.k8s.io', 'certificatesigningrequests', false],
  ['certificates.k8s.io', 'certificatesigningrequests/approval', false],
  ['authentication.k8s.io', 'selfsubjectreviews', false],
  ['authorization.k8s.io', 'selfsubjectaccessreviews', false],
  ['authorization.k8s.io', 'selfsubjectrulesreviews', true],
];

export const builtInCatalog: readonly CatalogResource[] = builtIn.map(([apiGroup, combined, namespaced]) =>
  catalogResource(apiGroup, combined, namespaced),
);

function catalogResource(apiGroup: string, combined: string, namespaced: boolean): CatalogResource {
  const slash = combined.indexOf('/');
  return slash < 0
    ? { apiGroup, resource: combined, subresource: '', namespaced }
    : { apiGroup, resource: combined.slice(0, slash), subresource: combined.slice(slash + 1), namespaced };
}

/** `deployments.apps/scale`, `pods`: the name kubectl users know. */
export function resourceLabel(resource: CatalogResource): string {
  const group = resource.apiGroup === '' ? '' : `.${resource.apiGroup}`;
  const sub = resource.subresource === '' ? '' : `/${resource.subresource}`;
  return `${resource.resource}${group}${sub}`;
}

/**
 * The catalog extended by every resource a rule names without wildcards
 * (custom resources and anything the built-in list lacks). `served` is what the
 * API server's discovery says (live clusters): it decides every column's scope.
 * Without it (manifests) a resource the built-in list does not know counts as
 * namespaced, as most custom resources are.
 */
export function catalogFor(
  rules: Iterable<PolicyRule>,
  served: readonly CatalogResource[] = [],
  base: readonly CatalogResource[] = builtInCatalog,
): CatalogResource[] {
  const scope = new Map(served.map((resource) => [resourceLabel(resource), resource.namespaced]));
  const withScope = (resource: CatalogResource): CatalogResource => {
    const namespaced = scope.get(resourceLabel(resource));
    return namespaced === undefined || namespaced === resource.namespaced
      ? resource
      : { ...resource, namespaced };
  };
  const catalog = base.map(withScope);
  const known = new Set(catalog.map(resourceLabel));
  for (const rule of rules) {
    for (const apiGroup of rule.apiGroups) {
      if (apiGroup === '*') continue;
      for (const combined of rule.resources) {
        if (combined.includes('*')) continue;
        const resource = withScope(catalogResource(apiGroup, combined, true));
        const label = resourceLabel(resource);
        if (known.has(label)) continue;
        known.add(label);
        catalog.push(resource);
      }
    }
  }
  return catalog;
}

/** A discovery entry (`pods/log` in group "" and its scope) as a catalog resource. */
export function servedResource(apiGroup: string, name: string, namespaced: boolean): CatalogResource {
  return catalogResource(apiGroup, name, namespaced);
}
