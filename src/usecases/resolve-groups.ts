/**
 * Entra group names (or object IDs) in the rules -> object IDs, through
 * Microsoft Graph. A name that matches no group, or more than one, is an
 * error at the rule's path; nothing is applied while any remains.
 */
import type { GraphClient } from '../adapters/graph/client.js';
import { groupById, groupNameCandidates, groupsByDisplayName } from '../adapters/graph/groups.js';
import { type AccessRule, isObjectId } from '../domain/access/model.js';
import type { ResolvedGroup } from '../domain/bindings/desired.js';
import type { ValidationIssue } from '../domain/config-check/issues.js';
import { didYouMeanSuffix } from '../domain/config-check/suggest.js';

export interface ResolvedGroups {
  /** By rule index. */
  groups: Map<number, ResolvedGroup>;
  issues: ValidationIssue[];
  warnings: string[];
}

const lookupConcurrency = 4;

/** Maps with at most `limit` calls in flight; rejects with the first failure once all have settled. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}

export async function resolveGroups(
  rules: readonly AccessRule[],
  graph: GraphClient | undefined,
): Promise<ResolvedGroups> {
  const groups = new Map<number, ResolvedGroup>();
  const issues: ValidationIssue[] = [];
  const warnings: string[] = [];
  type Lookup = { group?: ResolvedGroup; issue?: Omit<ValidationIssue, 'path'> };
  const lookup = async (written: string): Promise<Lookup> => {
    if (graph) return isObjectId(written) ? byId(graph, written) : byName(graph, written);
    if (isObjectId(written)) return { group: { id: written.toLowerCase(), displayName: written } };
    return {
      issue: {
        message: `cannot resolve the group name "${written}" without Microsoft Graph`,
        hint: 'Set KENTRA_GRAPH_TOKEN to a Graph access token (GroupMember.Read.All), or name the group by object ID.',
      },
    };
  };
  // One look-up per distinct group, however many rules name it, a few at a time (Graph throttles bursts).
  const distinct = new Map<string, string>();
  for (const rule of rules)
    if (!distinct.has(rule.group.toLowerCase())) distinct.set(rule.group.toLowerCase(), rule.group);
  const results = await mapLimited([...distinct.values()], lookupConcurrency, lookup);
  const lookups = new Map([...distinct.keys()].map((key, i) => [key, results[i]]));
  for (const rule of rules) {
    const result = lookups.get(rule.group.toLowerCase());
    if (result?.group) groups.set(rule.index, result.group);
    else if (result?.issue) issues.push({ path: ['rules', rule.index, 'group'], ...result.issue });
  }
  if (!graph && rules.length > 0 && issues.length === 0)
    warnings.push('group object IDs were not checked against Entra (no Graph token)');
  return { groups, issues, warnings };
}

async function byId(graph: GraphClient, id: string) {
  const group = await groupById(graph, id);
  if (!group)
    return {
      issue: {
        message: `no Entra group with object ID ${id}`,
        hint: 'Check the ID in the Entra admin center (Groups > Overview).',
      },
    };
  return { group: { id: group.id.toLowerCase(), displayName: group.displayName } };
}

async function byName(graph: GraphClient, name: string) {
  const found = await groupsByDisplayName(graph, name);
  const [only, ...others] = found;
  if (only && others.length === 0)
    return { group: { id: only.id.toLowerCase(), displayName: only.displayName } };
  if (only)
    return {
      issue: {
        message: `${found.length} Entra groups are named "${name}" (${found.map((group) => group.id).join(', ')})`,
        hint: 'Display names are not unique in Entra: name the group by its object ID instead.',
      },
    };
  const candidates = await groupNameCandidates(graph, name);
  return { issue: { message: `no Entra group named "${name}"${didYouMeanSuffix(name, candidates)}` } };
}
