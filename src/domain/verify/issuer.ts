/**
 * Names v1/v2 mix-ups between an issuer that was found (discovery, a token)
 * and the one the access file configures: the third most common Entra +
 * Kubernetes pain (reference/cluster-auth.md §8). The forms themselves are
 * Entra facts (domain/entra/issuers.ts).
 */
import { defaultAuthority } from '../entra/clouds.js';
import { issuerShape, issuerTemplate } from '../entra/issuers.js';

export type IssuerVersion = 'v1' | 'v2' | 'unknown';

export function issuerVersion(issuer: string): IssuerVersion {
  return issuerShape(issuer)?.version ?? 'unknown';
}

/** A sentence naming a v1/v2 mix-up between what was found and what is configured, or "". */
export function versionMixUp(found: string, configured: string, what: string): string {
  const [a, b] = [issuerVersion(found), issuerVersion(configured)];
  const v2 = '{authority}/{tenant}/v2.0';
  if (a === 'v1' && b !== 'v1')
    return ` ${what} is the v1 issuer but the access file configures ${b === 'v2' ? 'the v2 issuer' : 'another URL'}: a v1/v2 mix-up (v2 tokens are issued by ${v2}).`;
  if (a === 'v2' && b === 'v1')
    return ` ${what} is the v2 issuer but the access file configures the v1 issuer: a v1/v2 mix-up.`;
  if (b === 'unknown' && a !== 'unknown')
    return ` The configured issuer is neither Entra's v2 form (${v2}) nor v1 (${issuerTemplate('v1', defaultAuthority)}).`;
  return '';
}
