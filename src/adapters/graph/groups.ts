/**
 * Typed Graph helpers for groups: look-up by display name (exact, so
 * duplicates show) and by object ID, and candidate names for "did you mean".
 */
import type { GraphClient } from './client.js';
import { GraphRequestError, unexpectedAnswer } from './client.js';

export interface GraphGroup {
  id: string;
  displayName: string;
  /** Only Privileged Role Administrators manage a role-assignable group's members, not its owners. */
  isAssignableToRole?: boolean | null;
}

const select = 'id,displayName,isAssignableToRole';

/** OData string literal: single quotes doubled. */
function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Every group with exactly this display name (Graph compares case-insensitively). */
export function groupsByDisplayName(client: GraphClient, name: string): Promise<GraphGroup[]> {
  return client.list<GraphGroup>('/groups', {
    query: { $filter: `displayName eq ${odataString(name)}`, $select: select },
  });
}

export async function groupById(client: GraphClient, id: string): Promise<GraphGroup | undefined> {
  try {
    const group = await client.get<GraphGroup | undefined>(
      `/groups/${encodeURIComponent(id.toLowerCase())}`,
      {
        query: { $select: select },
      },
    );
    if (typeof group?.id !== 'string' || typeof group.displayName !== 'string')
      throw unexpectedAnswer('/groups/{id}', 'a group without an id and a display name');
    return group;
  } catch (error) {
    if (error instanceof GraphRequestError && (error.status === 404 || error.status === 400))
      return undefined;
    throw error;
  }
}

/**
 * Display names that may be what the user meant: groups starting with the
 * same two letters, or (where a directory does not support startswith) the
 * first few pages of all groups.
 */
export async function groupNameCandidates(
  client: GraphClient,
  name: string,
  maxPages = 5,
): Promise<string[]> {
  const stem = name.slice(0, 2);
  try {
    const groups = await client.list<GraphGroup>('/groups', {
      query: { $filter: `startswith(displayName,${odataString(stem)})`, $select: select, $top: '999' },
    });
    return groups.map((group) => group.displayName);
  } catch (error) {
    if (!(error instanceof GraphRequestError) || error.status !== 400) throw error;
  }
  const names: string[] = [];
  let pages = 0;
  for await (const page of client.pages<GraphGroup>('/groups', { query: { $select: select, $top: '999' } })) {
    names.push(...page.map((group) => group.displayName));
    if (++pages >= maxPages) break;
  }
  return names;
}

/** Object IDs of a group's direct members (GET /groups/{id}/members). */
export async function groupMemberIds(client: GraphClient, id: string): Promise<string[]> {
  const members = await client.list<{ id?: string }>(
    `/groups/${encodeURIComponent(id.toLowerCase())}/members`,
    {
      query: { $select: 'id' },
    },
  );
  return members.flatMap((member) => (member.id ? [member.id.toLowerCase()] : []));
}
