/**
 * Entra's sign-in error codes (AADSTS numbers) that kentra explains or acts on:
 * what each means and, for the few that another flow can pass, how. The number
 * is the stable part of an Entra error (the prose changes). Meanings from
 * Microsoft's reference-error-codes page
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes;
 * reference/entra-protocol.md §1.9). The advice that names kentra's own flags
 * is the adapter's (src/adapters/entra/sign-in-errors.ts).
 */

/**
 * What can pass a refused sign-in:
 * - `browser`: the flow was refused by Conditional Access's "authentication flows"
 *   condition (device code blocked) where a browser sign-in on this machine is allowed;
 * - `interactive`: a person must take part (multi-factor authentication), which a
 *   silent refresh cannot do;
 * - `fresh-sign-in`: the refresh token no longer works (password changed, revoked,
 *   expired): sign in afresh instead of refreshing.
 */
export type Recovery = 'browser' | 'interactive' | 'fresh-sign-in';

export interface SignInErrorFact {
  /** What happened, in a few words (for "sign-in failed: …" and the one-line notice). */
  summary: string;
  recovery?: Recovery;
}

export const signInErrorFacts: Readonly<Record<number, SignInErrorFact>> = {
  50011: { summary: 'the redirect URI is not registered for the app' },
  50020: { summary: 'the account does not belong to this tenant' },
  50034: { summary: 'the account does not exist in this tenant' },
  50053: { summary: 'the account is locked' },
  50057: { summary: 'the account is disabled in Entra' },
  50076: { summary: 'multi-factor authentication is required', recovery: 'interactive' },
  50079: { summary: 'multi-factor authentication registration is required', recovery: 'interactive' },
  50105: { summary: 'your account is not assigned to the Kubernetes app in Entra' },
  50126: { summary: 'wrong user name or password' },
  50133: {
    summary: 'the session is no longer valid (password changed or expired)',
    recovery: 'fresh-sign-in',
  },
  50173: {
    summary: 'the session was revoked (a password change, or an administrator revoked it)',
    recovery: 'fresh-sign-in',
  },
  53000: { summary: 'Conditional Access requires a compliant device' },
  53003: { summary: 'a Conditional Access policy blocked the sign-in', recovery: 'browser' },
  65001: { summary: 'consent to the app is missing' },
  70043: {
    summary: 'the session expired under a Conditional Access sign-in frequency policy',
    recovery: 'fresh-sign-in',
  },
  90002: { summary: 'the tenant does not exist' },
  650053: { summary: 'a scope that does not exist was requested (Entra has no "groups" scope)' },
  700016: { summary: 'the app does not exist in this tenant' },
  700025: { summary: 'a public client sent a client secret' },
  700082: { summary: 'the refresh token expired from inactivity', recovery: 'fresh-sign-in' },
  700213: { summary: 'no federated credential matches the workload token' },
  7000215: { summary: 'the client secret is wrong' },
  7000222: { summary: 'the client secret has expired' },
  9002327: { summary: 'the redirect URI is registered as a single-page application' },
};

/** The AADSTS number in an Entra error text, if any. */
export function aadstsCode(text: string): number | undefined {
  const match = /AADSTS(\d+)/.exec(text);
  return match?.[1] ? Number(match[1]) : undefined;
}

export function signInErrorFact(code: number | undefined): SignInErrorFact | undefined {
  return code !== undefined && Object.hasOwn(signInErrorFacts, code) ? signInErrorFacts[code] : undefined;
}
