import { defaultIdentity, extraKeys, type IdentitySettings } from '../identity/mapping.js';
import { firstExtra, type K8sUserInfo } from './k8s-event.js';

/**
 * How the cluster turns an Entra token into a Kubernetes user, as far as the
 * trail needs it: the username prefix (username = prefix + oid) and the
 * `user.extra` keys into which the AuthenticationConfiguration copies the
 * token's `uti` and `sid` claims (claimMappings.extra). Extra keys must be
 * domain-prefixed and outside kubernetes.io / k8s.io (apiserver validation).
 */
export interface ClaimMappings {
  usernamePrefix: string;
  utiExtraKey: string;
  sidExtraKey: string;
  oidExtraKey: string;
}

/**
 * The mappings an access file describes (`identity:` in kentra.yaml), i.e. what
 * `kentra cluster config` rendered into the API server's AuthenticationConfiguration.
 * A disabled uti/sid mapping becomes an empty key, which never matches.
 */
export function claimMappingsFromIdentity(identity: IdentitySettings): ClaimMappings {
  const keys = extraKeys(identity);
  return {
    usernamePrefix: identity.username.prefix,
    utiExtraKey: keys.uti ?? '',
    sidExtraKey: keys.sid ?? '',
    oidExtraKey: `${identity.extra.keyDomain}/oid`,
  };
}

/** kentra's own defaults: username `entra:<oid>`, extras `kentra.dev/uti` and `kentra.dev/sid`. */
export const defaultClaimMappings: ClaimMappings = claimMappingsFromIdentity(defaultIdentity);

/** What an audit event's user says about the Entra identity and token behind it. */
export interface EventIdentity {
  oid?: string;
  upn?: string;
  uti?: string;
  sid?: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guid.test(value);
}

export function identify(user: K8sUserInfo, mappings: ClaimMappings): EventIdentity {
  const identity: EventIdentity = {};
  const uti = firstExtra(user, mappings.utiExtraKey);
  const sid = firstExtra(user, mappings.sidExtraKey);
  if (uti) identity.uti = uti;
  if (sid) identity.sid = sid;
  const name = user.username;
  const local =
    name !== undefined && mappings.usernamePrefix !== '' && name.startsWith(mappings.usernamePrefix)
      ? name.slice(mappings.usernamePrefix.length)
      : mappings.usernamePrefix === ''
        ? name
        : undefined;
  // AKS's Guard webhook puts the oid in extra "oid" (kubeguard/guard auth/providers/azure/azure.go).
  const oid =
    firstExtra(user, mappings.oidExtraKey) ??
    firstExtra(user, 'oid') ??
    (local !== undefined && isGuid(local) ? local : undefined) ??
    (user.uid !== undefined && isGuid(user.uid) ? user.uid : undefined);
  if (oid) identity.oid = oid.toLowerCase();
  // Clusters that use the UPN as username (AKS Guard, legacy --oidc-username-claim=upn).
  const bare = local ?? name;
  if (bare?.includes('@') && !bare.startsWith('system:')) identity.upn = bare.toLowerCase();
  return identity;
}
