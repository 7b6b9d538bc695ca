/**
 * The portal's sessions, kept on the server: the browser holds only a random
 * session ID in a `__Host-` cookie (Secure, HttpOnly, SameSite=Lax, Path=/, no
 * Domain), so no token ever reaches the page or its scripts. Each session has
 * its own CSRF token (synchronizer pattern) that every form posts back, and
 * sign-ins in progress are bound to the browser that started them by a
 * short-lived cookie holding their `state`.
 *
 * SameSite=Lax, not Strict: Entra sends the user back with a cross-site
 * top-level GET, which must carry the login cookie; state-changing requests
 * are POSTs, which Lax keeps from other sites, and which also need the CSRF
 * token and a same-origin Origin header.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const sessionCookieName = '__Host-kentra-session';
export const loginCookieName = '__Host-kentra-login';

export interface PortalUser {
  oid: string;
  upn: string;
  name: string;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** A follow-up the page offers (e.g. sign in again with MFA). */
  action?: { href: string; label: string };
}

export interface PortalSession {
  id: string;
  csrf: string;
  user: PortalUser;
  /** MSAL's serialized cache for this user (refresh token): server memory only. */
  msalCache: string | undefined;
  homeAccountId: string;
  expiresAt: number;
  flash?: Flash;
}

export interface LoginAttempt {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

const loginLifetimeMs = 10 * 60_000;

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time comparison of two tokens (a CSRF token against the session's). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SessionStore {
  private readonly sessions = new Map<string, PortalSession>();
  private readonly logins = new Map<string, LoginAttempt>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs: number,
  ) {}

  create(user: PortalUser, tokens: { msalCache: string | undefined; homeAccountId: string }): PortalSession {
    this.sweep();
    const session: PortalSession = {
      id: randomToken(),
      csrf: randomToken(),
      user,
      msalCache: tokens.msalCache,
      homeAccountId: tokens.homeAccountId,
      expiresAt: this.now() + this.lifetimeMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): PortalSession | undefined {
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  beginLogin(attempt: Omit<LoginAttempt, 'expiresAt'>): LoginAttempt {
    this.sweep();
    const stored = { ...attempt, expiresAt: this.now() + loginLifetimeMs };
    this.logins.set(attempt.state, stored);
    return stored;
  }

  /** The sign-in started with `state`, once: a replayed callback finds nothing. */
  takeLogin(state: string): LoginAttempt | undefined {
    const attempt = this.logins.get(state);
    this.logins.delete(state);
    return attempt && attempt.expiresAt > this.now() ? attempt : undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    for (const [state, login] of this.logins) if (login.expiresAt <= now) this.logins.delete(state);
  }
}

export function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

export function clearedCookie(name: string): string {
  return cookie(name, '', 0);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!out.has(name)) out.set(name, part.slice(index + 1).trim());
  }
  return out;
}
