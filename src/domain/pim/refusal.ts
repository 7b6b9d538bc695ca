/**
 * Why PIM refused a request, from Graph's error code and message: the policy
 * rules that failed (`The following policy rules failed: ["MfaRule", …]`),
 * an authentication context the token lacks (with the claims challenge to sign
 * in again with), or a state conflict. Codes and wording: ../../../shared/reference/pim-for-groups.md.
 */

export type Refusal =
  | { kind: 'policy'; rules: string[] }
  | { kind: 'auth-context'; claims?: string }
  | { kind: 'exists' }
  | { kind: 'pending' }
  | { kind: 'too-soon' }
  | { kind: 'not-active' };

export function pimRefusal(graphCode: string | undefined, message: string): Refusal | undefined {
  switch ((graphCode ?? '').toLowerCase()) {
    case 'roleassignmentrequestpolicyvalidationfailed': {
      const list = /policy rules failed:\s*(\[[^\]]*\])/i.exec(message)?.[1];
      let rules: string[] = [];
      try {
        const parsed: unknown = list ? JSON.parse(list) : [];
        if (Array.isArray(parsed)) rules = parsed.filter((r): r is string => typeof r === 'string');
      } catch {
        rules = [];
      }
      return { kind: 'policy', rules };
    }
    case 'roleassignmentrequestacrsvalidationfailed': {
      const encoded = /[&?]claims=([^\s&]+)/.exec(message)?.[1];
      let claims: string | undefined;
      try {
        claims = encoded ? decodeURIComponent(encoded) : undefined;
      } catch {
        claims = undefined;
      }
      return { kind: 'auth-context', ...(claims ? { claims } : {}) };
    }
    case 'roleassignmentexists':
      return { kind: 'exists' };
    case 'pendingroleassignmentrequest':
      return { kind: 'pending' };
    case 'activedurationtooshort':
      return { kind: 'too-soon' };
    case 'roleassignmentdoesnotexist':
      return { kind: 'not-active' };
    default:
      return undefined;
  }
}

const ruleWords: Record<string, string> = {
  eligibilityrule: 'you are not eligible for this group',
  expirationrule: 'the duration is missing or longer than the policy allows',
  justificationrule: 'a reason (--reason) is required',
  ticketingrule: 'a ticket number (--ticket) is required',
  mfarule: 'the sign-in must have used multi-factor authentication',
};

/** `a reason (--reason) is required; the sign-in must have used …` */
export function describeRules(rules: readonly string[]): string {
  return rules.map((rule) => ruleWords[rule.toLowerCase()] ?? rule).join('; ');
}

/** The claims request that asks Entra for an authentication context (`acrs`). */
export function authContextClaims(claimValue: string): string {
  return JSON.stringify({ access_token: { acrs: { essential: true, value: claimValue } } });
}
