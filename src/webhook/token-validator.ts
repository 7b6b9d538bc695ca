/**
 * Validates an Entra access token the way a careful resource server does:
 * algorithm pinned to the RSA family (no `none`, no HMAC with the public key
 * as secret), tenant from an allow-list, issuer in one of the configured forms
 * for that tenant, audience, key id from the tenant's JWKS, expiry and
 * not-before with a small bounded skew, issued-at never in the future, and an `oid` to name the user by.
 *
 * Every failure is a stable `reason` for logs and metrics; no message ever
 * contains the token or a piece of it.
 */
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { type IssuerBases, type IssuerVersion, issuerFor, issuerVersionOf } from '../domain/entra/issuers.js';
import type { JwksCache } from './jwks-cache.js';

export type RejectReason =
  | 'token_too_large'
  | 'malformed_token'
  | 'algorithm_not_allowed'
  | 'missing_kid'
  | 'tenant_not_allowed'
  | 'issuer_not_accepted'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'audience_mismatch'
  | 'missing_claim'
  | 'client_not_allowed'
  | 'invalid_token';

export type Validation =
  | { ok: true; claims: EntraClaims; issuerVersion: IssuerVersion }
  | { ok: false; reason: RejectReason; detail: string };

/** The claims the webhook relies on, plus everything else the token carries. */
export interface EntraClaims extends JWTPayload {
  oid: string;
  tid: string;
  exp: number;
  iss: string;
}

/** RS256 is what Entra signs with; RS384/512 are the same family and safe to accept. */
export const allowedAlgorithms = ['RS256', 'RS384', 'RS512'] as const;

/** A skew larger than this would make `exp` meaningless; configs asking for more are refused. */
export const maxClockSkewSeconds = 300;

export interface TokenValidatorOptions {
  /** Tenant ids whose tokens are accepted (the tenant allow-list). */
  tenants: readonly string[];
  issuerVersions: readonly IssuerVersion[];
  issuerBases: IssuerBases;
  /** Accepted `aud` values (client id GUID and/or `api://…`). */
  audiences: readonly string[];
  /**
   * Client apps (client IDs, lower case) whose tokens are accepted: `azp` (v2), else `appid` (v1),
   * else, for an ID token, its `aud`. Empty or absent: any client of an allowed tenant.
   */
  allowedClientApps?: readonly string[];
  clockSkewSeconds: number;
  /** Largest token accepted, in characters (Entra tokens with 200 groups stay under 16 KiB). */
  maxTokenLength: number;
  now: () => number;
  keysFor: (tenantId: string) => JwksCache;
}

export class TokenValidator {
  private readonly tenants: ReadonlySet<string>;

  constructor(private readonly options: TokenValidatorOptions) {
    if (options.clockSkewSeconds < 0 || options.clockSkewSeconds > maxClockSkewSeconds)
      throw new RangeError(`clock skew must be between 0 and ${maxClockSkewSeconds} seconds`);
    this.tenants = new Set(options.tenants);
  }

  async validate(token: string): Promise<Validation> {
    const o = this.options;
    if (token.length > o.maxTokenLength)
      return reject('token_too_large', `token has ${token.length} characters, limit ${o.maxTokenLength}`);
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return reject('malformed_token', 'not a compact JWS with a JSON header and payload');
    }
    const alg = header.alg;
    if (typeof alg !== 'string' || !(allowedAlgorithms as readonly string[]).includes(alg))
      return reject(
        'algorithm_not_allowed',
        `alg ${JSON.stringify(alg ?? null)} is not one of RS256/384/512`,
      );
    if (typeof header.kid !== 'string' || header.kid === '')
      return reject('missing_kid', 'the header has no kid');

    // The unverified tid/iss only choose which tenant's rules to verify against; jwtVerify checks them.
    const tid = unverified.tid;
    if (typeof tid !== 'string' || !this.tenants.has(tid))
      return reject('tenant_not_allowed', `tenant ${safeValue(tid)} is not in the allow-list`);
    const iss = typeof unverified.iss === 'string' ? unverified.iss : '';
    const version = issuerVersionOf(iss, tid, o.issuerBases);
    if (!version || !o.issuerVersions.includes(version))
      return reject(
        'issuer_not_accepted',
        version
          ? `${version} issuer, but only ${o.issuerVersions.join('/')} accepted`
          : `issuer ${safeValue(iss)} is not a configured form for tenant ${tid}`,
      );

    const key = await o.keysFor(tid).keyFor(header.kid, alg);
    if (!key) return reject('unknown_kid', `kid ${safeValue(header.kid)} is not in the issuer's key set`);

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, key, {
        algorithms: [alg],
        issuer: issuerFor(version, tid, o.issuerBases),
        audience: [...o.audiences],
        clockTolerance: o.clockSkewSeconds,
        currentDate: new Date(o.now()),
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      return fromJoseError(error);
    }
    // jose checks `iat` against the clock only when a maximum token age is asked for; a token
    // issued in the future (a skewed or forged issuer clock) would otherwise live past its lifetime.
    if (typeof claims.iat !== 'number' || claims.iat - o.clockSkewSeconds > o.now() / 1000)
      return reject('not_yet_valid', 'iat is in the future (beyond the skew)');
    if (typeof claims.oid !== 'string' || claims.oid === '')
      return reject('missing_claim', 'the token has no oid (object id) to name the user by');
    const clients = o.allowedClientApps ?? [];
    if (clients.length > 0) {
      // The first of azp, appid, aud decides (src/domain/identity/policy.ts renders the same rule as CEL).
      const client =
        claims.azp !== undefined ? claims.azp : claims.appid !== undefined ? claims.appid : claims.aud;
      if (typeof client !== 'string' || !clients.includes(client.toLowerCase()))
        return reject('client_not_allowed', `client app ${safeValue(client)} is not in the allow-list`);
    }
    return { ok: true, claims: claims as EntraClaims, issuerVersion: version };
  }
}

function reject(reason: RejectReason, detail: string): Validation {
  return { ok: false, reason, detail };
}

function fromJoseError(error: unknown): Validation {
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return reject('bad_signature', 'signature does not verify');
  if (error instanceof errors.JWTExpired) return reject('expired', 'exp is in the past (beyond the skew)');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat')
      return reject('not_yet_valid', `${error.claim} is in the future (beyond the skew)`);
    if (error.claim === 'aud') return reject('audience_mismatch', 'aud is not an accepted audience');
    if (error.claim === 'iss') return reject('issuer_not_accepted', 'iss does not match');
    return reject('missing_claim', `claim ${error.claim} is missing or invalid`);
  }
  if (error instanceof errors.JOSEError) return reject('invalid_token', error.code);
  return reject('invalid_token', 'token could not be verified');
}

/** Claim values are attacker-controlled: quote them and cut them short before they reach a log. */
function safeValue(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
