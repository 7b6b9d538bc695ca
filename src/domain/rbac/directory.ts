/**
 * Who is who in Entra ID, as far as the access matrix needs it: display names
 * for object IDs, and which groups a user is in. The matrix and explain take
 * this small interface; today it is filled from a names file (see
 * parseNamesFile), later from the access file's rules and Microsoft Graph.
 *
 * Kubernetes sees Entra identities as prefixed object IDs (IdentityMapping):
 * a user `oid` authenticates as `userPrefix + oid` with groups
 * `groupPrefix + groupObjectId` (the API server's claim mappings add the prefixes).
 */
import { KentraError } from '../../errors.js';
import type { UserInfo } from './model.js';
import { authenticatedGroup } from './subjects.js';

export interface EntraUser {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName?: string;
  /** Object IDs of the groups the user is in (transitively, as the token's groups claim). */
  readonly groupIds: readonly string[];
}

export interface EntraGroup {
  readonly id: string;
  readonly displayName: string;
}

export interface EntraDirectory {
  users(): readonly EntraUser[];
  groups(): readonly EntraGroup[];
  /** Display name of a user or group object ID. */
  displayName(objectId: string): string | undefined;
  /** A user by object ID, user principal name or display name (case-insensitive for the last two). */
  findUser(query: string): EntraUser | undefined;
}

export interface IdentityMapping {
  readonly userPrefix: string;
  readonly groupPrefix: string;
}

/** kentra's default claim mappings (the access file's identity settings): `entra:` + oid, `entra:group:` + group oid. */
export const defaultIdentityMapping: IdentityMapping = { userPrefix: 'entra:', groupPrefix: 'entra:group:' };

/** The Kubernetes identity an Entra user signs in as. Every authenticated user is in system:authenticated. */
export function kubernetesUserOf(user: EntraUser, mapping: IdentityMapping): UserInfo {
  return {
    name: `${mapping.userPrefix}${user.id}`,
    groups: [...user.groupIds.map((id) => `${mapping.groupPrefix}${id}`), authenticatedGroup],
  };
}

/** The Entra object ID behind a Kubernetes group name, if it carries the group prefix. */
export function entraGroupIdOf(kubernetesGroup: string, mapping: IdentityMapping): string | undefined {
  return kubernetesGroup.startsWith(mapping.groupPrefix) &&
    kubernetesGroup.length > mapping.groupPrefix.length
    ? kubernetesGroup.slice(mapping.groupPrefix.length)
    : undefined;
}

export function entraUserIdOf(kubernetesUser: string, mapping: IdentityMapping): string | undefined {
  return kubernetesUser.startsWith(mapping.userPrefix) && kubernetesUser.length > mapping.userPrefix.length
    ? kubernetesUser.slice(mapping.userPrefix.length)
    : undefined;
}

export class StaticDirectory implements EntraDirectory {
  private readonly userList: readonly EntraUser[];
  private readonly groupList: readonly EntraGroup[];
  private readonly names = new Map<string, string>();

  constructor(users: readonly EntraUser[], groups: readonly EntraGroup[]) {
    this.userList = users;
    this.groupList = groups;
    for (const item of [...groups, ...users]) this.names.set(item.id.toLowerCase(), item.displayName);
  }

  users(): readonly EntraUser[] {
    return this.userList;
  }

  groups(): readonly EntraGroup[] {
    return this.groupList;
  }

  displayName(objectId: string): string | undefined {
    return this.names.get(objectId.toLowerCase());
  }

  findUser(query: string): EntraUser | undefined {
    const wanted = query.toLowerCase();
    return (
      this.userList.find((user) => user.id.toLowerCase() === wanted) ??
      this.userList.find((user) => user.userPrincipalName?.toLowerCase() === wanted) ??
      this.userList.find((user) => user.displayName.toLowerCase() === wanted)
    );
  }
}

export const emptyDirectory: EntraDirectory = new StaticDirectory([], []);

/**
 * The names file: `groups: [{id, displayName}]` and
 * `users: [{id, displayName, userPrincipalName?, groups: [groupId...]}]`.
 * A user's `groups` may also name a group by its displayName from the same file.
 */
export function parseNamesFile(document: unknown, where: string): StaticDirectory {
  const bad = (path: string, message: string) =>
    new KentraError('config.invalid', `${where}: ${path}: ${message}`, {
      hint: 'The names file has `groups: [{id, displayName}]` and `users: [{id, displayName, userPrincipalName, groups: [id...]}]`.',
    });
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw bad('(top)', 'expected an object with `users` and `groups`');
  const root = document as Record<string, unknown>;
  const list = (key: string): Record<string, unknown>[] => {
    const value = root[key] ?? [];
    if (!Array.isArray(value)) throw bad(key, 'expected a list');
    return value.map((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        throw bad(`${key}[${index}]`, 'expected an object');
      return item as Record<string, unknown>;
    });
  };
  const text = (item: Record<string, unknown>, field: string, path: string, required: boolean) => {
    const value = item[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '')
      throw bad(`${path}.${field}`, 'expected a non-empty string');
    return value;
  };
  const seen = new Set<string>();
  const unique = (id: string, path: string) => {
    if (seen.has(id.toLowerCase())) throw bad(`${path}.id`, `duplicate object ID "${id}"`);
    seen.add(id.toLowerCase());
    return id;
  };
  const groups: EntraGroup[] = list('groups').map((item, index) => ({
    id: unique(text(item, 'id', `groups[${index}]`, true) as string, `groups[${index}]`),
    displayName: text(item, 'displayName', `groups[${index}]`, true) as string,
  }));
  const groupByName = new Map(groups.map((group) => [group.displayName.toLowerCase(), group.id]));
  const users: EntraUser[] = list('users').map((item, index) => {
    const path = `users[${index}]`;
    const memberOf = item.groups ?? [];
    if (!Array.isArray(memberOf)) throw bad(`${path}.groups`, 'expected a list of group object IDs');
    const groupIds = memberOf.map((value, position) => {
      if (typeof value !== 'string' || value === '')
        throw bad(`${path}.groups[${position}]`, 'expected a group object ID');
      return groupByName.get(value.toLowerCase()) ?? value;
    });
    const upn = text(item, 'userPrincipalName', path, false);
    return {
      id: unique(text(item, 'id', path, true) as string, path),
      displayName: text(item, 'displayName', path, true) as string,
      groupIds,
      ...(upn === undefined ? {} : { userPrincipalName: upn }),
    };
  });
  return new StaticDirectory(users, groups);
}
