/**
 * The rules one subject holds in one scope, bucketed by resource so that a
 * check looks only at rules that can match it. Matching itself is the upstream
 * port in rule-matching.ts; the buckets only skip rules that could never match:
 * a rule is filed under each of its resources (`*`, `*\/SUB`, or the exact
 * `resource[/subresource]` string), which are the only ways
 * ResourceMatches can succeed.
 */
import type { Binding, PolicyRule, ResourceRequest, Subject } from './model.js';
import {
  all,
  apiGroupMatches,
  combinedResource,
  nonResourceUrlMatches,
  resourceNameMatches,
  verbMatches,
} from './rule-matching.js';

/** One binding as it applies to a subject: which subject matched, and the rules of its role. */
export interface Grant {
  readonly binding: Binding;
  readonly subject: Subject;
  readonly rules: readonly PolicyRule[];
  /** Set when the role could not be resolved (the binding then contributes no rules, as upstream). */
  readonly error?: string;
}

export interface RuleEntry {
  readonly rule: PolicyRule;
  readonly ruleIndex: number;
  readonly grant: Grant;
}

export class RuleIndex {
  readonly grants: readonly Grant[];
  private readonly anyResource: RuleEntry[] = [];
  private readonly bySubresourceWildcard = new Map<string, RuleEntry[]>();
  private readonly byResource = new Map<string, RuleEntry[]>();
  /** `resource/subresource` rules by resource, then subresource: no string building per check. */
  private readonly bySubresource = new Map<string, Map<string, RuleEntry[]>>();
  private readonly nonResource: RuleEntry[] = [];

  constructor(grants: readonly Grant[]) {
    this.grants = grants;
    for (const grant of grants) {
      grant.rules.forEach((rule, ruleIndex) => {
        const entry: RuleEntry = { rule, ruleIndex, grant };
        if (rule.nonResourceURLs.length > 0) this.nonResource.push(entry);
        const filed = new Set<string>();
        for (const resource of rule.resources) {
          if (filed.has(resource)) continue;
          filed.add(resource);
          if (resource === all) this.anyResource.push(entry);
          else if (resource.startsWith('*/')) push(this.bySubresourceWildcard, resource.slice(2), entry);
          else {
            push(this.byResource, resource, entry);
            const slash = resource.indexOf('/');
            if (slash > 0) {
              const base = resource.slice(0, slash);
              let subs = this.bySubresource.get(base);
              if (!subs) {
                subs = new Map();
                this.bySubresource.set(base, subs);
              }
              push(subs, resource.slice(slash + 1), entry);
            }
          }
        }
      });
    }
  }

  get isEmpty(): boolean {
    return this.grants.length === 0;
  }

  /** The rules whose resources can match `resource[/subresource]` (verb, group and name unchecked). */
  candidates(resource: string, subresource: string): RuleEntry[][] {
    const lists: RuleEntry[][] = [];
    if (this.anyResource.length > 0) lists.push(this.anyResource);
    const exact = this.byResource.get(combinedResource(resource, subresource));
    if (exact) lists.push(exact);
    if (subresource !== '') {
      const wildcard = this.bySubresourceWildcard.get(subresource);
      if (wildcard) lists.push(wildcard);
    }
    return lists;
  }

  allowsResource(request: ResourceRequest): boolean {
    return this.firstResourceMatch(request) !== undefined;
  }

  firstResourceMatch(request: ResourceRequest): RuleEntry | undefined {
    // The hot path of every check: no allocation, three bucket lookups at most.
    const { resource, subresource } = request;
    const exact =
      subresource === '' ? this.byResource.get(resource) : this.bySubresource.get(resource)?.get(subresource);
    const found = matchIn(this.anyResource, request) ?? matchIn(exact, request);
    if (found || subresource === '') return found;
    return matchIn(this.bySubresourceWildcard.get(subresource), request);
  }

  firstNonResourceMatch(verb: string, path: string): RuleEntry | undefined {
    for (const entry of this.nonResource)
      if (verbMatches(entry.rule, verb) && nonResourceUrlMatches(entry.rule, path)) return entry;
    return undefined;
  }

  /** Every rule of every grant, in binding order (for explain and the matrix). */
  *entries(): Generator<RuleEntry> {
    for (const grant of this.grants)
      for (const [ruleIndex, rule] of grant.rules.entries()) yield { rule, ruleIndex, grant };
  }

  nonResourceEntries(): readonly RuleEntry[] {
    return this.nonResource;
  }
}

function matchIn(entries: readonly RuleEntry[] | undefined, request: ResourceRequest): RuleEntry | undefined {
  if (entries === undefined) return undefined;
  for (const entry of entries)
    if (
      verbMatches(entry.rule, request.verb) &&
      apiGroupMatches(entry.rule, request.apiGroup) &&
      resourceNameMatches(entry.rule, request.name)
    )
      return entry;
  return undefined;
}

/** Shared by every subject and scope without bindings (most of them, in a big cluster). */
export const emptyRuleIndex = new RuleIndex([]);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
