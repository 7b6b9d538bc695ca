/**
 * Entra's two issuer forms, per tenant:
 *
 *   v1  https://sts.windows.net/{tid}/              (trailing slash)
 *   v2  https://login.microsoftonline.com/{tid}/v2.0 (none)
 *
 * The access-token version is chosen by the resource app
 * (`requestedAccessTokenVersion`: null or 1 -> v1, 2 -> v2), not by the
 * endpoint the client used, so a cluster must say which form it accepts
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#token-formats).
 * National clouds use their own hosts (clouds.ts). The emulator, or any
 * private authority, serves both forms on its own origin
 * (`https://127.0.0.1:PORT/{tid}/v2.0` and `.../{tid}/`), so it runs the same
 * code path as Entra.
 */
import { cloudOfAuthority, type EntraCloud, entraClouds } from './clouds.js';

export type IssuerVersion = 'v1' | 'v2';

/** Where a tenant's two issuer forms live: origins without a trailing slash. */
export interface IssuerBases {
  v1: string;
  v2: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The issuer bases of an authority: its cloud's issuer hosts, or the authority itself (the emulator). */
export function issuerBasesFor(authority: string): IssuerBases {
  const cloud = cloudOfAuthority(authority);
  if (!cloud) {
    const own = trimSlash(authority);
    return { v1: own, v2: own };
  }
  return { v1: cloud.v1IssuerOrigins[0] as string, v2: cloud.v2IssuerOrigin };
}

export function issuerFor(version: IssuerVersion, tenantId: string, bases: IssuerBases): string {
  return version === 'v1' ? `${trimSlash(bases.v1)}/${tenantId}/` : `${trimSlash(bases.v2)}/${tenantId}/v2.0`;
}

/** `1` or `2` (app.tokenVersion) as an issuer form. */
export function issuerVersionOfTokenVersion(tokenVersion: 1 | 2): IssuerVersion {
  return tokenVersion === 1 ? 'v1' : 'v2';
}

/** Entra serves the keys for both forms from the tenant's v2 discovery key endpoint on the sign-in host. */
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

/** Every issuer form a tenant has in the known clouds, as `[before the tenant id, after it]`. */
export function entraIssuerForms(): readonly (readonly [string, string])[] {
  const forms = new Map<string, readonly [string, string]>();
  for (const cloud of entraClouds) {
    forms.set(`${cloud.v2IssuerOrigin}/v2`, [`${cloud.v2IssuerOrigin}/`, '/v2.0']);
    for (const origin of cloud.v1IssuerOrigins) forms.set(`${origin}/v1`, [`${origin}/`, '/']);
  }
  return [...forms.values()];
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuerShape {
  version: IssuerVersion;
  /** The tenant segment (a GUID in a real issuer). */
  tenant: string;
  /** The Entra cloud whose issuer host this is; undefined for the emulator or another origin. */
  cloud: EntraCloud | undefined;
}

/**
 * Reads the form of an issuer URL by its shape alone, to name v1/v2 mix-ups
 * (the third most common Entra + Kubernetes pain): `{origin}/{tenant}/v2.0`
 * is v2; `{origin}/{tenant}/` is v1 on an Entra v1 host, or on any origin when
 * the tenant segment is a GUID (the emulator keeps v1 on its own origin).
 */
export function issuerShape(iss: string): IssuerShape | undefined {
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return undefined;
  }
  const origin = url.origin;
  const v2 = /\/([^/]+)\/v2\.0\/?$/.exec(url.pathname);
  if (v2?.[1])
    return { version: 'v2', tenant: v2[1], cloud: entraClouds.find((c) => c.v2IssuerOrigin === origin) };
  const v1 = /\/([^/]+)\/$/.exec(url.pathname);
  const v1Cloud = entraClouds.find((c) => c.v1IssuerOrigins.includes(origin));
  if (v1?.[1] && (v1Cloud || guid.test(v1[1]))) return { version: 'v1', tenant: v1[1], cloud: v1Cloud };
  return undefined;
}

/** Issuer templates for messages, e.g. `https://sts.windows.net/{tenant}/`. */
export function issuerTemplate(version: IssuerVersion, authority: string): string {
  return issuerFor(version, '{tenant}', issuerBasesFor(authority));
}
