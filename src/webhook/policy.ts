/**
 * The access file's policy, enforced at review time: guests, authentication
 * context (`acrs`, how a v2 token proves a Conditional Access step-up;
 * entra-protocol.md §6.3), maximum token age, and allowed source networks when
 * the token carries `ipaddr`. The tenant allow-list is enforced earlier, by
 * the token validator, before any key is fetched.
 *
 * It runs on every review (it is a handful of comparisons), so time-based
 * rules such as the maximum token age need no cache bookkeeping.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface ReviewPolicySettings {
  /** Whether guest accounts (B2B, `acct: 1` or a foreign `idp`) may sign in. */
  allowGuests: boolean;
  /** Authentication context ids (`c1`…`c25`) that must all be present in `acrs`. */
  requiredAuthenticationContexts: readonly string[];
  /** Tokens issued longer ago than this are refused, whatever their `exp`. */
  maxTokenAgeSeconds: number | undefined;
  /** CIDR ranges; a token with `ipaddr` outside all of them is refused. Empty: no network rule. */
  allowedNetworks: readonly string[];
}

export type PolicyVerdict = { ok: true } | { ok: false; reason: string };

export type ReviewPolicy = (claims: Readonly<Record<string, unknown>>, now: number) => PolicyVerdict;

export function reviewPolicy(settings: ReviewPolicySettings): ReviewPolicy {
  const networks = settings.allowedNetworks.length > 0 ? blockListOf(settings.allowedNetworks) : undefined;
  return (claims, now) => {
    if (!settings.allowGuests && isGuest(claims)) return { ok: false, reason: 'guest_not_allowed' };
    if (settings.requiredAuthenticationContexts.length > 0) {
      const acrs = Array.isArray(claims.acrs) ? (claims.acrs as unknown[]) : [];
      for (const required of settings.requiredAuthenticationContexts)
        if (!acrs.includes(required)) return { ok: false, reason: 'authentication_context_missing' };
    }
    if (settings.maxTokenAgeSeconds !== undefined) {
      const iat = typeof claims.iat === 'number' ? claims.iat : 0;
      if (now >= (iat + settings.maxTokenAgeSeconds) * 1000) return { ok: false, reason: 'token_too_old' };
    }
    if (networks && typeof claims.ipaddr === 'string') {
      const ip = claims.ipaddr;
      const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
      if (!family || !networks.check(ip, family)) return { ok: false, reason: 'source_network_not_allowed' };
    }
    return { ok: true };
  };
}

/**
 * Entra marks guests with the optional `acct` claim (1 = guest) and, for B2B
 * users, with an `idp` naming their home tenant's issuer rather than ours.
 */
export function isGuest(claims: Readonly<Record<string, unknown>>): boolean {
  if (claims.acct === 1 || claims.acct === '1') return true;
  const idp = claims.idp;
  if (typeof idp !== 'string' || typeof claims.tid !== 'string') return false;
  return !idp.includes(claims.tid);
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
