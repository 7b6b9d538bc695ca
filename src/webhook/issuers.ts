/**
 * Entra's two issuer forms, per tenant. The access-token version is chosen by
 * the resource app (`requestedAccessTokenVersion`), not by the endpoint the
 * client used, so a cluster states which forms it accepts
 * (reference: entra-protocol.md §2.1, cluster-auth.md §6.3):
 *
 *   v1  https://sts.windows.net/{tid}/           (trailing slash)
 *   v2  https://login.microsoftonline.com/{tid}/v2.0
 *
 * Both bases are configurable so the local emulator
 * (`https://127.0.0.1:PORT/{tid}/v2.0`) is the same code path as Entra.
 */
export type IssuerVersion = 'v1' | 'v2';

export interface IssuerBases {
  /** Default `https://sts.windows.net`. */
  v1: string;
  /** Default `https://login.microsoftonline.com`. */
  v2: string;
}

export const entraIssuerBases: IssuerBases = {
  v1: 'https://sts.windows.net',
  v2: 'https://login.microsoftonline.com',
};

export function issuerFor(version: IssuerVersion, tenantId: string, bases: IssuerBases): string {
  return version === 'v1' ? `${trimSlash(bases.v1)}/${tenantId}/` : `${trimSlash(bases.v2)}/${tenantId}/v2.0`;
}

/** Entra serves the same keys for both forms from the tenant's v2 discovery key endpoint. */
export function jwksUriFor(tenantId: string, bases: IssuerBases): string {
  return `${trimSlash(bases.v2)}/${tenantId}/discovery/v2.0/keys`;
}

/** Which configured form an `iss` value is, for one tenant; undefined when it is neither. */
export function issuerVersionOf(
  iss: string,
  tenantId: string,
  bases: IssuerBases,
): IssuerVersion | undefined {
  if (iss === issuerFor('v2', tenantId, bases)) return 'v2';
  if (iss === issuerFor('v1', tenantId, bases)) return 'v1';
  return undefined;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
