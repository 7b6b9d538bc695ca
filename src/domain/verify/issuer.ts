/**
 * Which Entra token version an issuer URL belongs to, to name v1/v2 mix-ups
 * (the third most common Entra + Kubernetes pain, reference/cluster-auth.md §8):
 * v2 tokens carry `{authority}/{tenant}/v2.0`; v1 tokens `https://sts.windows.net/{tenant}/`,
 * and the v1 discovery document (`{authority}/{tenant}/.well-known/...`) names
 * that v1 issuer. The emulator keeps its v1 issuer on its own origin
 * (`{url}/{tenant}/`), so a trailing-slash tenant path counts as v1 too.
 */
export type IssuerVersion = 'v1' | 'v2' | 'unknown';

export function issuerVersion(issuer: string): IssuerVersion {
  if (/\/v2\.0\/?$/.test(issuer)) return 'v2';
  if (/^https:\/\/sts\.windows\.net\//.test(issuer)) return 'v1';
  if (/\/[0-9a-f-]{36}\/$/i.test(issuer)) return 'v1';
  return 'unknown';
}

/** A sentence naming a v1/v2 mix-up between what was found and what is configured, or "". */
export function versionMixUp(found: string, configured: string, what: string): string {
  const [a, b] = [issuerVersion(found), issuerVersion(configured)];
  if (a === 'v1' && b !== 'v1')
    return ` ${what} is the v1 issuer but the access file configures ${b === 'v2' ? 'the v2 issuer' : 'another URL'}: a v1/v2 mix-up (v2 tokens are issued by {authority}/{tenant}/v2.0).`;
  if (a === 'v2' && b === 'v1')
    return ` ${what} is the v2 issuer but the access file configures the v1 issuer: a v1/v2 mix-up.`;
  if (b === 'unknown' && a !== 'unknown')
    return ` The configured issuer is neither Entra's v2 form ({authority}/{tenant}/v2.0) nor v1 (https://sts.windows.net/{tenant}/).`;
  return '';
}
