/**
 * Why a user may or may not do something: every binding, role and rule that
 * allows the request (not only the first, as the API server's audit reason
 * gives), the Entra group behind each group subject, and for a denial the
 * rules that came close (one field short) and the namespaces where the same
 * request would be allowed.
 */
import { type EntraDirectory, entraGroupIdOf, entraUserIdOf, type IdentityMapping } from './directory.js';
import type { RbacEvaluator } from './evaluator.js';
import { type AccessRequest, isResourceRequest, type PolicyRule, type UserInfo } from './model.js';
import type { RuleEntry } from './rule-index.js';
import {
  apiGroupMatches,
  combinedResource,
  nonResourceUrlMatches,
  resourceMatches,
  resourceNameMatches,
  verbMatches,
} from './rule-matching.js';
import { describeSubject } from './subjects.js';

export interface ExplainedRule {
  readonly binding: { readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly role: { readonly kind: string; readonly name: string };
  readonly subject: string;
  /** Set when the subject is an Entra group or user (prefixed object ID). */
  readonly entra?: { readonly kind: 'group' | 'user'; readonly id: string; readonly displayName?: string };
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
}

export interface NearMiss extends ExplainedRule {
  /** The one field that does not match. */
  readonly mismatch: 'verb' | 'apiGroup' | 'resource' | 'resourceName' | 'nonResourceURL';
}

export interface Explanation {
  readonly allowed: boolean;
  readonly user: UserInfo;
  readonly request: AccessRequest;
  /** "privileged-group" when system:masters allowed it before RBAC was asked. */
  readonly via?: 'privileged-group' | 'rbac';
  readonly grants: readonly ExplainedRule[];
  readonly nearMisses: readonly NearMiss[];
  /** Namespaces whose RoleBindings would allow the same request there. */
  readonly allowedIn: readonly string[];
  /** Roles that bindings of this user refer to but that do not exist. */
  readonly errors: readonly string[];
  /** Things about the request itself worth knowing (e.g. exec needs two verbs). */
  readonly notes: readonly string[];
}

const streamingSubresources = new Set(['exec', 'attach', 'portforward']);

/**
 * kubectl exec/attach/port-forward over WebSocket is a GET, and since
 * Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, beta, on by
 * default) the API server also requires `create` on the subresource; over
 * SPDY it is a POST (`create`). One RBAC check cannot say "can exec".
 */
function requestNotes(request: AccessRequest): string[] {
  if (!isResourceRequest(request) || request.apiGroup !== '' || request.resource !== 'pods') return [];
  if (!streamingSubresources.has(request.subresource)) return [];
  return [
    `kubectl ${request.subresource === 'portforward' ? 'port-forward' : request.subresource} needs both get and create on pods/${request.subresource} (Kubernetes >= 1.35 checks create for WebSocket connections too)`,
  ];
}

export function explain(
  evaluator: RbacEvaluator,
  user: UserInfo,
  request: AccessRequest,
  directory: EntraDirectory,
  mapping: IdentityMapping,
): Explanation {
  const access = evaluator.forUser(user);
  const namespace = isResourceRequest(request) ? request.namespace : '';
  const entries = [
    ...access.cluster().entries(),
    ...(namespace !== '' ? access.namespace(namespace).entries() : []),
  ];
  const describe = (entry: RuleEntry): ExplainedRule => describeEntry(entry, directory, mapping);
  const grants: ExplainedRule[] = [];
  const nearMisses: NearMiss[] = [];
  for (const entry of entries) {
    const failed = mismatches(entry.rule, request);
    if (failed.length === 0) grants.push(describe(entry));
    else if (failed.length === 1 && isClose(entry.rule, request, failed[0] as NearMiss['mismatch']))
      nearMisses.push({ ...describe(entry), mismatch: failed[0] as NearMiss['mismatch'] });
  }
  const allowedIn: string[] = [];
  if (isResourceRequest(request) && grants.length === 0 && !access.privileged) {
    const namespaces = new Set(evaluator.snapshot.roleBindings.map((binding) => binding.namespace));
    for (const other of [...namespaces].sort())
      if (other !== namespace && access.namespace(other).allowsResource({ ...request, namespace: other }))
        allowedIn.push(other);
  }
  return {
    allowed: access.privileged || grants.length > 0,
    user,
    request,
    ...(access.privileged
      ? { via: 'privileged-group' as const }
      : grants.length > 0
        ? { via: 'rbac' as const }
        : {}),
    grants,
    nearMisses,
    allowedIn,
    errors: access.resolutionErrors(namespace),
    notes: requestNotes(request),
  };
}

/**
 * A rule about another resource is not "close" (get pods says nothing about
 * secrets), unless it names the same resource with another subresource
 * (`pods` vs `pods/log`).
 */
function isClose(rule: PolicyRule, request: AccessRequest, mismatch: NearMiss['mismatch']): boolean {
  if (mismatch !== 'resource' || !isResourceRequest(request)) return true;
  return rule.resources.some((resource) => resource.split('/')[0] === request.resource);
}

/** Which fields of a rule fail the request (empty: the rule allows it). */
function mismatches(rule: PolicyRule, request: AccessRequest): NearMiss['mismatch'][] {
  const failed: NearMiss['mismatch'][] = [];
  if (!verbMatches(rule, request.verb)) failed.push('verb');
  if (isResourceRequest(request)) {
    if (rule.resources.length === 0) return ['resource', 'apiGroup'];
    if (!apiGroupMatches(rule, request.apiGroup)) failed.push('apiGroup');
    if (!resourceMatches(rule, combinedResource(request.resource, request.subresource), request.subresource))
      failed.push('resource');
    if (!resourceNameMatches(rule, request.name)) failed.push('resourceName');
  } else if (!nonResourceUrlMatches(rule, request.path)) failed.push('nonResourceURL');
  return failed;
}

function describeEntry(entry: RuleEntry, directory: EntraDirectory, mapping: IdentityMapping): ExplainedRule {
  const { binding, subject } = entry.grant;
  const namespace = binding.kind === 'RoleBinding' ? binding.namespace : '';
  const groupId = subject.kind === 'Group' ? entraGroupIdOf(subject.name, mapping) : undefined;
  const userId = subject.kind === 'User' ? entraUserIdOf(subject.name, mapping) : undefined;
  const entraId = groupId ?? userId;
  const displayName = entraId === undefined ? undefined : directory.displayName(entraId);
  return {
    binding: { kind: binding.kind, name: binding.name, ...(namespace === '' ? {} : { namespace }) },
    role: { kind: binding.roleRef.kind, name: binding.roleRef.name },
    subject: describeSubject(subject, namespace),
    ...(entraId === undefined
      ? {}
      : {
          entra: {
            kind: groupId !== undefined ? ('group' as const) : ('user' as const),
            id: entraId,
            ...(displayName === undefined ? {} : { displayName }),
          },
        }),
    ruleIndex: entry.ruleIndex,
    rule: entry.rule,
  };
}
