/**
 * What the cluster will check in the token, compared with the token Entra
 * handed out, so that a mismatch is explained when the token is obtained
 * instead of surfacing later as a bare "Unauthorized" from kubectl. Issuer and
 * audience mismatches are the most frequent Entra + Kubernetes trap
 * (reference/cluster-auth.md §6.3-6.4, §8 pain points 3 and 4).
 *
 * The payload is only decoded, not verified: this is advice; the API server
 * does the verification.
 */
export interface Expectations {
  issuer?: string;
  audience?: string;
}

export function expectationProblems(token: string, expected: Expectations): string[] {
  if (!expected.issuer && !expected.audience) return [];
  const claims = decodePayload(token);
  if (!claims) return ['the token is not a JWT, so the cluster cannot validate it'];
  const problems: string[] = [];
  const issuer = typeof claims.iss === 'string' ? claims.iss : '(none)';
  if (expected.issuer && issuer !== expected.issuer) {
    let why = '';
    if (/^https:\/\/sts\.windows\.net\//.test(issuer) && /\/v2\.0$/.test(expected.issuer))
      why =
        ' This is a v1 token: set the API app\'s requestedAccessTokenVersion (manifest "accessTokenAcceptedVersion") to 2, or use --token-type id.';
    else if (/\/v2\.0$/.test(issuer) && /^https:\/\/sts\.windows\.net\//.test(expected.issuer))
      why =
        ' This is a v2 token but the cluster trusts the v1 issuer: configure the cluster with the v2 issuer.';
    problems.push(`the token's issuer is ${issuer} but the cluster expects ${expected.issuer}.${why}`);
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud ?? '(none)')];
  if (expected.audience && !audiences.includes(expected.audience)) {
    const bare = (value: string) => value.replace(/^(api:\/\/|spn:)/, '').replace(/\/$/, '');
    const why = audiences.some((aud) => bare(aud) === bare(expected.audience ?? ''))
      ? " Same app, other spelling (GUID vs api://GUID vs spn:GUID): list both forms in the cluster's audiences."
      : " Request a token for the cluster's app (--scope APP/.default with --token-type access), or use --token-type id.";
    problems.push(
      `the token's audience is ${audiences.join(', ')} but the cluster expects ${expected.audience}.${why}`,
    );
  }
  return problems;
}

function decodePayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
