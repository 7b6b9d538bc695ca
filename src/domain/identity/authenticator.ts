/**
 * One JWT authenticator: issuer, audiences, claim mapping and policy rules.
 * This is the single object that kentra renders into the API server's
 * AuthenticationConfiguration and evaluates itself (webhook, verify): both
 * paths read the same expressions, so they cannot drift apart.
 */
import { type Claims, ExpressionError, evaluate } from './expr.js';
import { type ClaimMapping, claimMapping, type IdentitySettings } from './mapping.js';
import { type PolicySettings, policyRules, type ValidationRule } from './policy.js';

export interface JwtAuthenticator {
  issuer: string;
  audiences: readonly string[];
  mapping: ClaimMapping;
  rules: readonly ValidationRule[];
}

export function jwtAuthenticator(options: {
  issuer: string;
  audiences: readonly string[];
  identity: IdentitySettings;
  policy: PolicySettings;
}): JwtAuthenticator {
  return {
    issuer: options.issuer,
    audiences: options.audiences,
    mapping: claimMapping(options.identity),
    rules: policyRules(options.policy),
  };
}

export interface MappedUser {
  username: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export type Authentication =
  | { authenticated: true; user: MappedUser }
  | { authenticated: false; reason: string; rule?: string };

/** Kubernetes' reading of a mapping result as a string list: "" and [] mean none, empty items are dropped. */
function stringList(value: unknown, what: string): string[] {
  if (value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.filter((item) => item !== '');
  throw new ExpressionError(`${what} must be a string or a list of strings`);
}

/**
 * Maps verified claims to a user exactly as kube-apiserver does with the
 * rendered config: audience and issuer, then the mappings, then every rule.
 * Signature and expiry are the caller's job (jose in the webhook).
 */
export function authenticateClaims(authenticator: JwtAuthenticator, claims: Claims): Authentication {
  if (claims.iss !== authenticator.issuer) return { authenticated: false, reason: 'issuer does not match' };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((value) => typeof value === 'string' && authenticator.audiences.includes(value)))
    return { authenticated: false, reason: 'audience does not match' };
  let user: MappedUser;
  try {
    const username = evaluate(authenticator.mapping.username, claims);
    if (typeof username !== 'string') throw new ExpressionError('username must be a string');
    if (username === '') throw new ExpressionError('empty username is not allowed');
    const extra: Record<string, string[]> = {};
    for (const { key, value } of authenticator.mapping.extra) {
      const values = stringList(evaluate(value, claims), `extra ${key}`);
      if (values.length > 0) extra[key] = values;
    }
    user = { username, groups: stringList(evaluate(authenticator.mapping.groups, claims), 'groups'), extra };
  } catch (error) {
    return { authenticated: false, reason: `claim mapping failed: ${(error as Error).message}` };
  }
  for (const rule of authenticator.rules) {
    let passed: unknown;
    try {
      passed = evaluate(rule.expr, claims);
    } catch (error) {
      return { authenticated: false, reason: `${rule.message} (${(error as Error).message})`, rule: rule.id };
    }
    if (passed !== true) return { authenticated: false, reason: rule.message, rule: rule.id };
  }
  return { authenticated: true, user };
}
