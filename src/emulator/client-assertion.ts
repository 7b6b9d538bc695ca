/**
 * Client authentication by signed assertion (RFC 7523 §2.2, Entra's
 * `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`):
 *
 * - a **certificate** credential: the app signs the JWT itself (`iss` = `sub` =
 *   its client ID) and names the certificate by `x5t#S256` or `x5t`; the
 *   thumbprint must be one of the app's keyCredentials, and the signature must
 *   verify with that certificate's key;
 * - a **federated** credential: another issuer signed the JWT (a Kubernetes
 *   service-account token, a CI token). Some federatedIdentityCredential of the
 *   app must name its `iss` and `sub` exactly and one of its audiences; the key
 *   comes from that issuer's OpenID discovery document.
 *
 * `aud` of a certificate assertion is the token endpoint (msal-node sends the
 * discovered token_endpoint). Sources: RFC 7523; learn.microsoft.com
 * "certificate credentials" and "workload identity federation".
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { EmulatorContext } from './context.js';
import { type AadstsCode, StsFailure } from './errors.js';
import { IssuerUnreachable, type VerificationKey } from './external-issuers.js';
import type { Application, FederatedIdentityCredential, Tenant } from './model.js';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type AssertionCredential = 'certificate' | 'federatedIdentityCredential';

/** Asymmetric algorithms only: an HMAC "assertion" would be a shared secret in disguise. */
const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface AssertionInput {
  client: Application;
  /** The tenant the request is for (undefined under /common and /organizations). */
  tenant: Tenant | undefined;
  /** The `{tenant}` segment of the token URL as the client wrote it. */
  segment: string;
  assertion: string;
  assertionType: string | null;
}

export async function verifyClientAssertion(
  ctx: EmulatorContext,
  input: AssertionInput,
): Promise<AssertionCredential> {
  if (input.assertionType !== jwtBearerAssertionType)
    throw new StsFailure(9002313, `client_assertion_type must be ${jwtBearerAssertionType}.`);
  let header: JWSHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(input.assertion);
    claims = decodeJwt(input.assertion);
  } catch {
    throw new StsFailure(50027, 'The client assertion is not a JWT.');
  }
  if (typeof claims.iss !== 'string' || typeof claims.sub !== 'string')
    throw new StsFailure(50027, 'The client assertion needs iss and sub.');
  if (claims.iss.toLowerCase() === input.client.appId) {
    await verifyCertificateAssertion(ctx, input, header, claims);
    return 'certificate';
  }
  await verifyFederatedAssertion(ctx, input, header, claims);
  return 'federatedIdentityCredential';
}

async function verifyCertificateAssertion(
  ctx: EmulatorContext,
  input: AssertionInput,
  header: JWSHeaderParameters,
  claims: JWTPayload,
): Promise<void> {
  if (claims.sub?.toLowerCase() !== input.client.appId) throw new StsFailure(700021);
  const s256 = header['x5t#S256'];
  const thumbprint = typeof s256 === 'string' ? s256 : header.x5t;
  const now = ctx.now();
  const credential = input.client.keyCredentials.find((c) =>
    typeof s256 === 'string' ? c.x5tS256 === s256 : c.x5t === header.x5t,
  );
  if (!credential || Date.parse(credential.endDateTime) <= now || Date.parse(credential.startDateTime) > now)
    throw new StsFailure(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint ?? '(none)'}']`,
    );
  await verified(ctx, input.assertion, createPublicKey(credential.publicKeyPem), tokenEndpoints(ctx, input));
}

async function verifyFederatedAssertion(
  ctx: EmulatorContext,
  input: AssertionInput,
  header: JWSHeaderParameters,
  claims: JWTPayload,
): Promise<void> {
  const issuer = claims.iss as string;
  const subject = claims.sub as string;
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const candidates = input.client.federatedIdentityCredentials.filter((c) => c.issuer === issuer);
  if (candidates.length === 0) throw new StsFailure(700211, issuer);
  const forSubject = candidates.filter((c) => c.subject === subject);
  if (forSubject.length === 0) throw new StsFailure(700213, subject);
  const match = forSubject.find((c: FederatedIdentityCredential) =>
    c.audiences.some((audience) => audiences.includes(audience)),
  );
  if (!match) throw new StsFailure(700212, audiences.join(', '));
  let key: VerificationKey;
  try {
    key = await ctx.issuers.keyFor(issuer, header);
  } catch (error) {
    if (error instanceof IssuerUnreachable) throw new StsFailure(50166, error.message);
    throw new StsFailure(700027, `No key of ${issuer} matches the assertion's kid.`);
  }
  await verified(ctx, input.assertion, key, match.audiences);
}

/** Signature, expiry (with Entra's five minutes of skew) and audience. */
async function verified(
  ctx: EmulatorContext,
  assertion: string,
  key: KeyObject | VerificationKey,
  audience: string[],
): Promise<void> {
  try {
    await jwtVerify(assertion, key, {
      algorithms,
      audience,
      requiredClaims: ['exp'],
      clockTolerance: 300,
      currentDate: new Date(ctx.now()),
    });
  } catch (error) {
    throw new StsFailure(...failureOf(error));
  }
}

function failureOf(error: unknown): [AadstsCode, string?] {
  if (error instanceof errors.JWTExpired) return [700024];
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return [700023, `Audience: '${String(decodedAudience(error.payload))}'.`];
    if (error.claim === 'nbf' || error.claim === 'iat' || error.claim === 'exp') return [700024];
    return [50027, `The assertion's ${error.claim} claim is not valid.`];
  }
  return [700027];
}

function decodedAudience(payload: JWTPayload): string {
  return Array.isArray(payload.aud) ? payload.aud.join(', ') : String(payload.aud);
}

/** The URLs a certificate assertion may name as `aud`: this tenant's token endpoints (v2, v1), by ID or name. */
function tokenEndpoints(ctx: EmulatorContext, input: AssertionInput): string[] {
  const segments = new Set([input.segment, ...(input.tenant ? [input.tenant.id, input.tenant.domain] : [])]);
  return [...segments].flatMap((segment) => [
    `${ctx.baseUrl}/${segment}/oauth2/v2.0/token`,
    `${ctx.baseUrl}/${segment}/oauth2/token`,
  ]);
}
