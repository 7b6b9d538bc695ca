/**
 * The wire model of `authentication.k8s.io/v1` TokenReview as the API server
 * sends it to a token webhook (`--authentication-token-webhook-version=v1`;
 * reference: cluster-auth.md §2.1). The answer carries the request's
 * apiVersion; `spec` in the answer is ignored by the API server, so it is left
 * out (it would echo the token).
 */
export const tokenReviewApiVersions = ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'] as const;
export type TokenReviewApiVersion = (typeof tokenReviewApiVersions)[number];

export interface TokenReviewRequest {
  apiVersion: TokenReviewApiVersion;
  token: string;
  /** Audiences the API server asked for; absent means "the API server's own". */
  audiences: string[] | undefined;
}

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export type ParsedReview = { ok: true; review: TokenReviewRequest } | { ok: false; reason: string };

/** Parses and checks a request body; the reason names the bad field and never contains the token. */
export function parseTokenReview(body: string): ParsedReview {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'body is not a JSON object' };
  const apiVersion = parsed.apiVersion;
  if (!tokenReviewApiVersions.includes(apiVersion as TokenReviewApiVersion))
    return { ok: false, reason: `.apiVersion must be ${tokenReviewApiVersions.join(' or ')}` };
  if (parsed.kind !== 'TokenReview') return { ok: false, reason: '.kind must be TokenReview' };
  const spec = parsed.spec;
  if (!isObject(spec)) return { ok: false, reason: '.spec must be an object' };
  if (typeof spec.token !== 'string' || spec.token === '')
    return { ok: false, reason: '.spec.token must be a non-empty string' };
  let audiences: string[] | undefined;
  if (spec.audiences !== undefined && spec.audiences !== null) {
    if (!Array.isArray(spec.audiences) || !spec.audiences.every((a) => typeof a === 'string'))
      return { ok: false, reason: '.spec.audiences must be a list of strings' };
    audiences = spec.audiences as string[];
  }
  return {
    ok: true,
    review: { apiVersion: apiVersion as TokenReviewApiVersion, token: spec.token, audiences },
  };
}

export function authenticatedResponse(
  apiVersion: TokenReviewApiVersion,
  user: ReviewedUser,
  audiences: string[] | undefined,
): string {
  return JSON.stringify({
    apiVersion,
    kind: 'TokenReview',
    status: { authenticated: true, user, ...(audiences ? { audiences } : {}) },
  });
}

/**
 * A denial. `error` reaches the API server's log only; it is a fixed reason
 * text so that nothing from the token travels back.
 */
export function deniedResponse(apiVersion: TokenReviewApiVersion, error: string): string {
  return JSON.stringify({ apiVersion, kind: 'TokenReview', status: { authenticated: false, error } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
