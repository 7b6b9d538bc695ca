/**
 * Server-side state of sign-ins in progress and of what they granted:
 * authorization codes (single use, 10 minutes), refresh tokens (stored by
 * hash, rotated on use), device codes (15 minutes), SSO sessions (the
 * ESTSAUTH cookie) and sign-in page flows.
 */
import { newGuid, newUserCode, opaque, sha256 } from './ids.js';

/** What a completed user authentication proves; carried from sign-in into every token of the session. */
export interface Authentication {
  tenantId: string;
  userId: string;
  /** Session ID: the `sid` claim and the sign-in log's session ID. */
  sid: string;
  /** Seconds since the epoch. */
  authTime: number;
  /** `pwd`, plus `mfa` once the second factor was given. */
  amr: string[];
}

export interface AuthorizeRequest {
  tenantSegment: string;
  tenantId: string;
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment' | 'form_post';
  scope: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  loginHint: string | undefined;
  prompt: string | undefined;
  claims: string | undefined;
  /** `amr_values`: methods the client asks for; `mfa` or `ngcmfa` demand a second factor (MS-OAPX 2.2.2.10). */
  amrValues: string[];
  clientInfo: boolean;
  correlationId: string | undefined;
}

export interface AuthCode {
  request: AuthorizeRequest;
  auth: Authentication;
  /** Auth contexts satisfied at sign-in (`acrs`). */
  acrs: string[];
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  tenantId: string;
  clientId: string;
  scope: string;
  auth: Authentication;
  acrs: string[];
  /** Issued to a public client: redeeming it needs no secret. */
  publicClient: boolean;
  issuedAt: number;
}

export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  tenantId: string;
  clientId: string;
  scope: string;
  claims: string | undefined;
  expiresAt: number;
  state: 'pending' | 'approved' | 'redeemed' | 'failed';
  auth?: Authentication;
  acrs: string[];
  /** AADSTS code for a sign-in that failed (disabled, unassigned, CA block). */
  failure?: number;
}

/** A sign-in page in progress: which request it serves and how far the user got. */
export interface LoginFlow {
  id: string;
  purpose: { kind: 'authorize'; request: AuthorizeRequest } | { kind: 'device'; userCode: string };
  tenantId: string | undefined;
  stage: 'username' | 'password' | 'mfa';
  signInName: string | undefined;
  /** Set once the password was accepted. */
  userTenantId?: string;
  userId?: string;
  expiresAt: number;
}

const codeLifetimeMs = 10 * 60_000;
export const deviceCodeLifetimeSeconds = 900;
const flowLifetimeMs = 30 * 60_000;

/** Above this many entries a map is swept for expired ones when it grows (a long-running emulator stays small). */
const sweepThreshold = 1000;

function sweep<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  if (map.size < sweepThreshold) return;
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
}

export class Grants {
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly devices = new Map<string, DeviceGrant>();
  private readonly deviceByUserCode = new Map<string, string>();
  private readonly sessions = new Map<string, Authentication>();
  private readonly flows = new Map<string, LoginFlow>();

  constructor(private readonly now: () => number) {}

  issueCode(request: AuthorizeRequest, auth: Authentication, acrs: string[]): string {
    const code = `1.${opaque(48)}`;
    sweep(this.codes, this.now());
    this.codes.set(code, { request, auth, acrs, expiresAt: this.now() + codeLifetimeMs, redeemed: false });
    return code;
  }

  code(code: string): AuthCode | undefined {
    const found = this.codes.get(code);
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  issueRefreshToken(grant: Omit<RefreshGrant, 'issuedAt'>): string {
    const token = `1.${opaque(64)}`;
    this.refreshTokens.set(sha256(token), { ...grant, issuedAt: this.now() });
    return token;
  }

  refreshToken(token: string): RefreshGrant | undefined {
    return this.refreshTokens.get(sha256(token));
  }

  issueDeviceCode(
    tenantId: string,
    clientId: string,
    scope: string,
    claims: string | undefined,
  ): DeviceGrant {
    let userCode = newUserCode();
    while (this.deviceByUserCode.has(userCode)) userCode = newUserCode();
    const grant: DeviceGrant = {
      deviceCode: opaque(48),
      userCode,
      tenantId,
      clientId,
      scope,
      claims,
      expiresAt: this.now() + deviceCodeLifetimeSeconds * 1000,
      state: 'pending',
      acrs: [],
    };
    sweep(this.devices, this.now());
    this.devices.set(grant.deviceCode, grant);
    this.deviceByUserCode.set(userCode, grant.deviceCode);
    return grant;
  }

  device(deviceCode: string): DeviceGrant | undefined {
    return this.devices.get(deviceCode);
  }

  deviceByCode(userCode: string): DeviceGrant | undefined {
    const deviceCode = this.deviceByUserCode.get(userCode.trim().toUpperCase().replace(/[\s-]/g, ''));
    const grant = deviceCode ? this.devices.get(deviceCode) : undefined;
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  startSession(auth: Authentication): string {
    this.sessions.set(auth.sid, auth);
    return auth.sid;
  }

  session(sid: string | undefined): Authentication | undefined {
    return sid ? this.sessions.get(sid) : undefined;
  }

  startFlow(flow: Omit<LoginFlow, 'id' | 'expiresAt'>): LoginFlow {
    const full: LoginFlow = { ...flow, id: newGuid(), expiresAt: this.now() + flowLifetimeMs };
    sweep(this.flows, this.now());
    this.flows.set(full.id, full);
    return full;
  }

  flow(id: string | null): LoginFlow | undefined {
    const found = id ? this.flows.get(id) : undefined;
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  endFlow(id: string): void {
    this.flows.delete(id);
  }
}
