/**
 * Whether one PolicyRule allows one request: a literal port of upstream's
 * matchers so that kentra answers exactly as the API server does.
 *
 * Sources (Kubernetes v1.36):
 * - pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches,
 *   ResourceMatches, ResourceNameMatches, NonResourceURLMatches
 *   https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/rbac/v1/evaluation_helpers.go
 * - plugin/pkg/auth/authorizer/rbac/rbac.go: RuleAllows
 *   https://github.com/kubernetes/kubernetes/blob/master/plugin/pkg/auth/authorizer/rbac/rbac.go
 *
 * Every comparison is exact and case-sensitive; `*` is the only wildcard, except
 * the two forms upstream knows: `*\/SUBRESOURCE` in resources and a trailing `*`
 * in nonResourceURLs. There is no `pods/*` form in RBAC (that string only
 * matches a request whose subresource is literally `*`).
 */
import { type AccessRequest, isResourceRequest, type PolicyRule } from './model.js';

export const all = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const ruleVerb of rule.verbs) if (ruleVerb === all || ruleVerb === verb) return true;
  return false;
}

/** `""` is the core group; `*` matches every group. */
export function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  for (const ruleGroup of rule.apiGroups) if (ruleGroup === all || ruleGroup === apiGroup) return true;
  return false;
}

/**
 * `combined` is `resource` or `resource/subresource`. A rule resource matches
 * when it is `*` (also every subresource), equals `combined` (so `pods` never
 * matches `pods/log`), or is `*\/SUB` for a request with subresource SUB.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const ruleResource of rule.resources) {
    if (ruleResource === all || ruleResource === combined) return true;
    if (
      subresource !== '' &&
      ruleResource.length === subresource.length + 2 &&
      ruleResource.startsWith('*/') &&
      ruleResource.endsWith(subresource)
    )
      return true;
  }
  return false;
}

/**
 * An empty list allows every name. Otherwise the request's name must be listed;
 * a request without a name (create, list and watch without a
 * `metadata.name` field selector, deletecollection) has name "" and so never
 * matches a rule that lists names.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  for (const ruleName of rule.resourceNames) if (ruleName === name) return true;
  return false;
}

/** `*`, an exact path, or a prefix when the rule ends in `*` (all trailing stars are trimmed, as Go's TrimRight). */
export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const ruleUrl of rule.nonResourceURLs) {
    if (ruleUrl === all || ruleUrl === path) return true;
    if (ruleUrl.endsWith('*') && path.startsWith(trimTrailingStars(ruleUrl))) return true;
  }
  return false;
}

export function trimTrailingStars(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 42 /* '*' */) end--;
  return text.slice(0, end);
}

export function combinedResource(resource: string, subresource: string): string {
  return subresource === '' ? resource : `${resource}/${subresource}`;
}

/** upstream RuleAllows: resource requests check verb, group, resource and name; others verb and path. */
export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (isResourceRequest(request)) {
    return (
      verbMatches(rule, request.verb) &&
      apiGroupMatches(rule, request.apiGroup) &&
      resourceMatches(rule, combinedResource(request.resource, request.subresource), request.subresource) &&
      resourceNameMatches(rule, request.name)
    );
  }
  return verbMatches(rule, request.verb) && nonResourceUrlMatches(rule, request.path);
}
