/**
 * Whether a Graph access token already proves what a PIM policy asks of the
 * activating sign-in: a second factor (`amr` contains `mfa`; v1 tokens, which
 * Graph's are) and an authentication context (`acrs` contains the value the
 * claims request names). When it does not, a new sign-in is needed.
 */
export interface StepUpNeed {
  mfa?: boolean;
  /** A claims request such as {"access_token":{"acrs":{"essential":true,"value":"c1"}}}. */
  claims?: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The authentication context values a claims request asks for (`value` or `values`). */
export function requestedContexts(claims: string | undefined): string[] {
  if (!claims) return [];
  try {
    const acrs = (JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } })
      .access_token?.acrs;
    return [...(typeof acrs?.value === 'string' ? [acrs.value] : []), ...strings(acrs?.values)];
  } catch {
    return [];
  }
}

export function stepUpSatisfied(claims: Readonly<Record<string, unknown>>, need: StepUpNeed): boolean {
  if (need.mfa && !strings(claims.amr).includes('mfa')) return false;
  const acrs = strings(claims.acrs);
  return requestedContexts(need.claims).every((context) => acrs.includes(context));
}
