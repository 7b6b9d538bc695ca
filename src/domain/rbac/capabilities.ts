/**
 * "What can this identity do here?" in words people use: a short list of
 * probes (read pods, delete pods, exec into pods, read secrets, change
 * deployments, change RBAC, everything) asked of the offline evaluator for one
 * scope. `kentra elevate` shows what a group would add, the portal what a user
 * can do on each cluster, `entra check` which rules give everything.
 *
 * "everything" is a request for verb, API group and resource `*`: only a rule
 * with `*` in all three matches it (rule-matching.ts), which is what
 * cluster-admin has.
 */
import type { SubjectAccess } from './evaluator.js';
import type { ResourceRequest } from './model.js';

export interface Probe {
  readonly label: string;
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
}

export const everything: Probe = { label: 'everything', verb: '*', apiGroup: '*', resource: '*' };

export const capabilityProbes: readonly Probe[] = [
  everything,
  { label: 'read pods', verb: 'get', apiGroup: '', resource: 'pods' },
  { label: 'delete pods', verb: 'delete', apiGroup: '', resource: 'pods' },
  { label: 'exec into pods', verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec' },
  { label: 'read logs', verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log' },
  { label: 'read secrets', verb: 'get', apiGroup: '', resource: 'secrets' },
  { label: 'change deployments', verb: 'update', apiGroup: 'apps', resource: 'deployments' },
  { label: 'change RBAC', verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
];

export function probeRequest(probe: Probe, namespace: string): ResourceRequest {
  return {
    verb: probe.verb,
    apiGroup: probe.apiGroup,
    resource: probe.resource,
    subresource: probe.subresource ?? '',
    name: '',
    namespace,
  };
}

/**
 * The probes `access` passes in `namespace` ("" = cluster-wide). When it may
 * do everything, that one word says it all.
 */
export function capabilities(access: SubjectAccess, namespace: string): string[] {
  if (access.allows(probeRequest(everything, namespace))) return [everything.label];
  return capabilityProbes
    .filter((probe) => probe !== everything && access.allows(probeRequest(probe, namespace)))
    .map((probe) => probe.label);
}

export interface ScopeCapabilities {
  /** "" = cluster-wide (every namespace, and cluster-scoped resources). */
  namespace: string;
  can: string[];
}

/**
 * What `access` may do cluster-wide, then in each namespace where it may do
 * more than that (namespaces of the snapshot, in order).
 */
export function capabilitySummary(access: SubjectAccess, namespaces: readonly string[]): ScopeCapabilities[] {
  const clusterWide = capabilities(access, '');
  const out: ScopeCapabilities[] = [{ namespace: '', can: clusterWide }];
  if (clusterWide.includes(everything.label)) return out;
  for (const namespace of namespaces) {
    const can = capabilities(access, namespace);
    if (can.some((label) => !clusterWide.includes(label))) out.push({ namespace, can });
  }
  return out;
}
