/**
 * Entra group names (or object IDs) in the rules -> object IDs, through
 * Microsoft Graph. A name that matches no group, or more than one, is an
 * error at the rule's path; nothing is applied while any remains.
 *
 * Pins (#14.8, group-name squatting): a display name is not an identity.
 * After the named group is deleted (or before it exists), anyone allowed to
 * create groups can make one with that name and inherit the rule's rights. A
 * rule that carries `groupId` (written by `kentra entra setup`) only accepts
 * that object ID: a name that now resolves elsewhere is refused, and among
 * several groups of one name the pinned one is taken. Rules resolved by name
 * without a pin are returned as `unpinned`, for the caller to pin.
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
  /** Rules that named a group by display name and carry no pin yet: the ID to pin. */
  unpinned: { ruleIndex: number; id: string }[];
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
  type Lookup = { group?: ResolvedGroup; issue?: Omit<ValidationIssue, 'path'>; named?: ResolvedGroup[] };
  const lookup = async (written: string): Promise<Lookup> => {
    if (graph) return isObjectId(written) ? byId(graph, written) : byName(graph, written);
    if (isObjectId(written)) return { group: { id: written.toLowerCase(), displayName: written } };
    return {
      issue: {
        message: `cannot resolve the group name "${written}" without Microsoft Graph`,
        hint: 'Sign in to Microsoft Graph with --graph-auth (e.g. azure-cli or device-code; GroupMember.Read.All), or name the group by object ID.',
      },
    };
  };
  // One look-up per distinct group, however many rules name it, a few at a time (Graph throttles bursts).
  const distinct = new Map<string, string>();
  for (const rule of rules)
    if (!distinct.has(rule.group.toLowerCase())) distinct.set(rule.group.toLowerCase(), rule.group);
  const results = await mapLimited([...distinct.values()], lookupConcurrency, lookup);
  const lookups = new Map([...distinct.keys()].map((key, i) => [key, results[i]]));
  const unpinned: ResolvedGroups['unpinned'] = [];
  for (const rule of rules) {
    const result = lookups.get(rule.group.toLowerCase());
    const byName = !isObjectId(rule.group);
    if (byName && rule.groupId && graph) {
      const checked = await checkPin(graph, rule.group, rule.groupId, result?.named ?? []);
      if (checked.group) groups.set(rule.index, checked.group);
      else issues.push({ path: ['rules', rule.index, 'groupId'], ...checked.issue });
    } else if (result?.group) {
      groups.set(rule.index, result.group);
      if (byName && graph && !rule.groupId) unpinned.push({ ruleIndex: rule.index, id: result.group.id });
    } else if (result?.issue) issues.push({ path: ['rules', rule.index, 'group'], ...result.issue });
  }
  if (!graph && rules.length > 0 && issues.length === 0)
    warnings.push(
      'group object IDs were not checked against Entra (no Microsoft Graph sign-in: --graph-auth)',
    );
  return { groups, issues, warnings, unpinned };
}

/** The pinned group, if the name still leads to it; else why not. */
async function checkPin(
  graph: GraphClient,
  name: string,
  pinned: string,
  named: readonly ResolvedGroup[],
): Promise<
  { group: ResolvedGroup; issue?: undefined } | { group?: undefined; issue: Omit<ValidationIssue, 'path'> }
> {
  const match = named.find((group) => group.id === pinned);
  if (match) return { group: match };
  const hint =
    'Compare the groups in the Entra admin center. If the new group is the right one, set groupId to its object ID (or remove groupId and run `kentra entra setup` to pin again); otherwise delete the impostor.';
  if (named.length > 0)
    return {
      issue: {
        message: `"${name}" now resolves to ${named.map((group) => group.id).join(', ')}, not the pinned ${pinned}: the pinned group was deleted or renamed and another group carries its name (group-name squatting)`,
        hint,
      },
    };
  const renamed = await groupById(graph, pinned);
  return {
    issue: renamed
      ? {
          message: `the pinned group ${pinned} is now named "${renamed.displayName}", not "${name}"`,
          hint: 'Write the new name into the rule (the pin stays).',
        }
      : { message: `no Entra group named "${name}", and the pinned group ${pinned} is gone`, hint },
  };
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
  return { group: resolvedOf(group) };
}

function resolvedOf(group: {
  id: string;
  displayName: string;
  isAssignableToRole?: boolean | null;
}): ResolvedGroup {
  return {
    id: group.id.toLowerCase(),
    displayName: group.displayName,
    ...(typeof group.isAssignableToRole === 'boolean'
      ? { isAssignableToRole: group.isAssignableToRole }
      : {}),
  };
}

async function byName(graph: GraphClient, name: string) {
  const found = await groupsByDisplayName(graph, name);
  const named = found.map(resolvedOf);
  const [only, ...others] = found;
  if (only && others.length === 0) return { group: resolvedOf(only), named };
  if (only)
    return {
      named,
      issue: {
        message: `${found.length} Entra groups are named "${name}" (${found.map((group) => group.id).join(', ')})`,
        hint: 'Display names are not unique in Entra: name the group by its object ID instead.',
      },
    };
  const candidates = await groupNameCandidates(graph, name);
  return { issue: { message: `no Entra group named "${name}"${didYouMeanSuffix(name, candidates)}` } };
}
