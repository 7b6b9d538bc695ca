/**
 * Turns what a person types for "who" into the Kubernetes identity to evaluate:
 * an Entra user (object ID, UPN or display name from the directory) signs in as
 * the prefixed object ID with their prefixed groups; `group:NAME` is "a member
 * of this group only"; `system:serviceaccount:NS:NAME` is that ServiceAccount;
 * anything else is a Kubernetes user name.
 */
import { KentraError } from '../../errors.js';
import { type EntraDirectory, type IdentityMapping, kubernetesUserOf } from './directory.js';
import type { UserInfo } from './model.js';
import { authenticatedGroup, serviceAccountUser, serviceAccountUsernamePrefix } from './subjects.js';

export interface ResolvedIdentity {
  readonly user: UserInfo;
  /** For people: `Alice Example <alice@contoso.com> (entra:oid)`. */
  readonly description: string;
  readonly kind: 'EntraUser' | 'EntraGroup' | 'Group' | 'ServiceAccount' | 'User';
}

export function resolveIdentity(
  who: string,
  directory: EntraDirectory,
  mapping: IdentityMapping,
  extraGroups: readonly string[] = [],
): ResolvedIdentity {
  const withExtra = (user: UserInfo): UserInfo => ({
    name: user.name,
    groups: [...new Set([...user.groups, ...extraGroups])],
  });
  const entra = directory.findUser(who);
  if (entra) {
    const user = kubernetesUserOf(entra, mapping);
    const upn = entra.userPrincipalName ? ` <${entra.userPrincipalName}>` : '';
    return {
      kind: 'EntraUser',
      user: withExtra(user),
      description: `${entra.displayName}${upn} (${user.name})`,
    };
  }
  if (who.startsWith('group:')) {
    const query = who.slice('group:'.length);
    if (query === '')
      throw new KentraError('usage', 'group: needs a group name', { hint: 'e.g. group:"AKS Admins"' });
    const group = directory
      .groups()
      .find(
        (each) =>
          each.id.toLowerCase() === query.toLowerCase() ||
          each.displayName.toLowerCase() === query.toLowerCase(),
      );
    const name = group ? `${mapping.groupPrefix}${group.id}` : query;
    return {
      kind: group ? 'EntraGroup' : 'Group',
      user: withExtra({ name: '', groups: [name] }),
      description: group
        ? `members of Entra group ${group.displayName} (${name})`
        : `members of group ${name}`,
    };
  }
  if (who.startsWith(serviceAccountUsernamePrefix)) {
    const [namespace, name, ...rest] = who.slice(serviceAccountUsernamePrefix.length).split(':');
    if (!namespace || !name || rest.length > 0)
      throw new KentraError('usage', `"${who}" is not a ServiceAccount user name`, {
        hint: 'Write system:serviceaccount:NAMESPACE:NAME.',
      });
    return {
      kind: 'ServiceAccount',
      user: withExtra(serviceAccountUser(namespace, name)),
      description: `ServiceAccount ${namespace}/${name}`,
    };
  }
  return {
    kind: 'User',
    user: withExtra({ name: who, groups: [authenticatedGroup] }),
    description: `Kubernetes user ${who}`,
  };
}
