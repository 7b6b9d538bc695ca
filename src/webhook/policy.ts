/**
 * The policy rules only a live reviewer can enforce, on top of the access
 * file's rules that the shared authenticator evaluates (tenant, guests, MFA,
 * authentication context, token lifetime; src/domain/identity/policy.ts):
 *
 * - maximum token age against the clock (`now - iat`): the API server's CEL
 *   has no clock, so the structured config can only bound `exp - iat`;
 * - allowed networks: the token's `ipaddr` (the address the user signed in
 *   from, as Entra saw it: v1 tokens and the optional claim that
 *   `kentra entra setup` requests) must be in one of them. This is the
 *   sign-in address, not the address a request reaches the API server from
 *   (the webhook never sees that). A token without `ipaddr` is denied: it
 *   cannot show where it was issued.
 *
 * It runs on every review (a few comparisons), so nothing time-based is cached.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface LivePolicySettings {
  /** Tokens issued longer ago than this are refused, whatever their `exp`. */
  maxTokenAgeSeconds: number | undefined;
  /** CIDR ranges; a token whose `ipaddr` is outside all of them, or absent, is refused. Empty: no network rule. */
  allowedNetworks: readonly string[];
}

export type PolicyVerdict = { ok: true } | { ok: false; reason: string };

export type ReviewPolicy = (claims: Readonly<Record<string, unknown>>, now: number) => PolicyVerdict;

export function livePolicy(settings: LivePolicySettings): ReviewPolicy {
  const networks = settings.allowedNetworks.length > 0 ? blockListOf(settings.allowedNetworks) : undefined;
  const maxAgeMs = settings.maxTokenAgeSeconds === undefined ? undefined : settings.maxTokenAgeSeconds * 1000;
  return (claims, now) => {
    if (maxAgeMs !== undefined) {
      const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
      if (now - iat > maxAgeMs) return { ok: false, reason: 'token_too_old' };
    }
    if (networks) {
      const ip = claims.ipaddr;
      if (typeof ip !== 'string') return { ok: false, reason: 'source_network_unknown' };
      const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
      if (!family || !networks.check(ip, family)) return { ok: false, reason: 'source_network_not_allowed' };
    }
    return { ok: true };
  };
}

/** Parses CIDR ranges; throws a RangeError naming the bad entry (the config loader adds the path). */
export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128))
      throw new RangeError(`"${cidr}" is not an IPv4 or IPv6 CIDR range`);
    list.addSubnet(address, prefix, family);
  }
  return list;
}
