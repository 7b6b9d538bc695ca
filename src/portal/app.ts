/**
 * The portal's routes. Everything outside (Entra sign-in, Graph, each
 * cluster's RBAC, kubeconfig rendering) is a service handed in, so the routes
 * are the web part only: sessions, CSRF, what each page shows.
 *
 *   GET  /                 sign-in page, or the user's access
 *   GET  /login            auth code + PKCE to Entra (?step=mfa|cN: a stronger sign-in)
 *   GET  /auth/callback    Entra's answer: a session
 *   POST /elevate          activate an eligible group (PIM, as the user)
 *   POST /logout
 *   GET  /kubeconfig/NAME  the entries `kentra kubeconfig` writes, for this user
 *   GET  /static/portal.css
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import type { AuthorizeStart, StartOptions, WebTokens } from '../adapters/entra/web-sign-in.js';
import type { GraphClient } from '../adapters/graph/client.js';
import type { AccessFile, ClusterSpec } from '../domain/access/model.js';
import { authContextClaims } from '../domain/pim/refusal.js';
import { requestedContexts, stepUpSatisfied } from '../domain/pim/step-up.js';
import { capabilitySummary } from '../domain/rbac/capabilities.js';
import { RbacEvaluator, SubjectAccess } from '../domain/rbac/evaluator.js';
import type { RbacSnapshot } from '../domain/rbac/model.js';
import { KentraError } from '../errors.js';
import {
  activate,
  type ElevateDeps,
  elevationOptions,
  elevationStatus,
  type StepUp,
} from '../usecases/elevate.js';
import { type ClusterView, type DashboardModel, dashboardPage, errorPage, signedOutPage } from './pages.js';
import {
  clearedCookie,
  cookie,
  loginCookieName,
  type PortalSession,
  parseCookies,
  randomToken,
  SessionStore,
  sameToken,
  sessionCookieName,
} from './sessions.js';
import { portalCss } from './style.js';

export interface PortalServices {
  access: AccessFile;
  now: () => number;
  signIn: {
    start(options: StartOptions): Promise<AuthorizeStart>;
    redeem(options: {
      code: string;
      redirectUri: string;
      scopes: string[];
      verifier: string;
      nonce: string;
    }): Promise<WebTokens>;
    silent(options: { msalCache: string; homeAccountId: string; scopes: string[] }): Promise<WebTokens>;
  };
  /** Microsoft Graph with the given token source (the user's delegated token). */
  graph(accessToken: () => Promise<string>): GraphClient;
  /** A cluster's RBAC objects, read with the portal's own credentials. */
  rbac(cluster: ClusterSpec): Promise<RbacSnapshot>;
  /** The entries `kentra kubeconfig` writes for the cluster, signing in as `loginHint`. */
  kubeconfig(cluster: ClusterSpec, loginHint: string): Promise<string>;
  /** Roles the grant preview evaluates against. */
  roles: RbacSnapshot;
  log(event: string, fields?: Record<string, unknown>): void;
}

export interface PortalSettings {
  /** The portal's own origin, e.g. https://portal.example:8443 (redirect URI and Origin checks). */
  origin: string;
  /** Scopes the portal signs in with: OIDC plus Graph's delegated permissions. */
  scopes: string[];
  sessionHours: number;
}

/** Thrown where elevate would sign the user in again: the portal sends them to Entra instead. */
class StepUpNeeded extends Error {
  constructor(readonly need: StepUp) {
    super('a stronger sign-in is needed');
  }
}

const securityHeaders = (origin: string, authority: string): Record<string, string> => ({
  'content-security-policy': [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self' ${authority}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it browsers send `Origin: null` with the portal's own form posts.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  ...(origin.startsWith('https:') ? { 'strict-transport-security': 'max-age=31536000' } : {}),
});

const maxBody = 16 * 1024;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    throw new HttpError(415, 'Forms are sent as application/x-www-form-urlencoded.');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new HttpError(413, 'The form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const stepPattern = /^(mfa|c[1-9][0-9]?)$/;

export function portalHandler(
  services: PortalServices,
  settings: PortalSettings,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const sessions = new SessionStore(services.now, settings.sessionHours * 3_600_000);
  const redirectUri = `${settings.origin}/auth/callback`;
  const authority = new URL(services.access.tenant.authority).origin;
  const headers = securityHeaders(settings.origin, authority);

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    extra: Record<string, string | string[]> = {},
  ) => {
    res.writeHead(status, {
      ...headers,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...extra,
    });
    res.end(body);
  };
  const redirect = (res: ServerResponse, location: string, extra: Record<string, string | string[]> = {}) => {
    res.writeHead(303, { ...headers, location, 'cache-control': 'no-store', ...extra });
    res.end();
  };

  const sessionOf = (req: IncomingMessage) =>
    sessions.get(parseCookies(req.headers.cookie).get(sessionCookieName));

  /** The session user's Graph token: silent, from its MSAL cache. */
  const tokenOf = async (session: PortalSession) => {
    if (!session.msalCache)
      throw new KentraError('auth.interaction_required', 'the session holds no sign-in');
    const tokens = await services.signIn.silent({
      msalCache: session.msalCache,
      homeAccountId: session.homeAccountId,
      scopes: settings.scopes,
    });
    session.msalCache = tokens.msalCache ?? session.msalCache;
    return tokens.accessToken;
  };

  const elevateDeps = (session: PortalSession): ElevateDeps => ({
    graph: {
      client: services.graph(() => tokenOf(session)),
      // The session's sign-in either proves what the policy asks (it was a stronger one) or the user signs in again.
      steppedUp: async (need) => {
        const token = await tokenOf(session);
        if (!stepUpSatisfied(decodeJwt(token), need)) throw new StepUpNeeded(need);
        return services.graph(async () => token);
      },
    },
    roles: services.roles,
    now: services.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    say: (line) => services.log('elevate', { line }),
  });

  async function login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const step = url.searchParams.get('step') ?? '';
    if (step !== '' && !stepPattern.test(step)) throw new HttpError(400, 'Unknown sign-in step.');
    const state = randomToken();
    const nonce = randomToken();
    const start = await services.signIn.start({
      redirectUri,
      scopes: settings.scopes,
      state,
      nonce,
      loginHint: sessionOf(req)?.user.upn,
      ...(step === 'mfa' ? { extraQueryParameters: { amr_values: 'ngcmfa' } } : {}),
      ...(step.startsWith('c') ? { claims: authContextClaims(step) } : {}),
    });
    sessions.beginLogin({ state, nonce, verifier: start.verifier });
    redirect(res, start.url, { 'set-cookie': cookie(loginCookieName, state, 600) });
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const state = url.searchParams.get('state') ?? '';
    const bound = parseCookies(req.headers.cookie).get(loginCookieName);
    const error = url.searchParams.get('error');
    // The sign-in must be the one this browser started (login CSRF).
    const attempt = sameToken(state, bound) ? sessions.takeLogin(state) : undefined;
    if (!attempt)
      throw new HttpError(400, 'This sign-in was not started here, or it expired. Sign in again.');
    if (error) {
      const described = (url.searchParams.get('error_description') ?? '').split(/\r?\n/)[0] ?? '';
      return send(res, 401, signedOutPage(`Entra did not sign you in: ${error}. ${described}`), {
        'set-cookie': clearedCookie(loginCookieName),
      });
    }
    const tokens = await services.signIn.redeem({
      code: url.searchParams.get('code') ?? '',
      redirectUri,
      scopes: settings.scopes,
      verifier: attempt.verifier,
      nonce: attempt.nonce,
    });
    const claims = tokens.idTokenClaims;
    if (claims.nonce !== attempt.nonce)
      throw new HttpError(400, 'The ID token does not answer this sign-in.');
    const previous = sessionOf(req);
    if (previous) sessions.end(previous.id);
    const session = sessions.create(
      {
        oid: String(claims.oid ?? '').toLowerCase(),
        upn: String(claims.preferred_username ?? claims.upn ?? claims.email ?? ''),
        name: String(claims.name ?? ''),
      },
      { msalCache: tokens.msalCache, homeAccountId: tokens.homeAccountId },
    );
    services.log('signed_in', { oid: session.user.oid });
    redirect(res, '/', {
      'set-cookie': [
        cookie(sessionCookieName, session.id, settings.sessionHours * 3600),
        clearedCookie(loginCookieName),
      ],
    });
  }

  /** POSTs: the session's CSRF token and a same-origin Origin header. */
  async function postedForm(
    req: IncomingMessage,
    session: PortalSession | undefined,
  ): Promise<URLSearchParams> {
    if (req.headers.origin !== settings.origin)
      throw new HttpError(403, 'Cross-origin form posts are refused.');
    const form = await formOf(req);
    if (!session || !sameToken(form.get('csrf') ?? undefined, session.csrf))
      throw new HttpError(
        403,
        'The form is stale or forged (CSRF check failed). Reload the page and try again.',
      );
    return form;
  }

  async function elevate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = sessionOf(req);
    const form = await postedForm(req, session);
    if (!session) return redirect(res, '/');
    const group = form.get('group') ?? '';
    const minutes = Number(form.get('duration'));
    if (!Number.isInteger(minutes) || minutes <= 0 || minutes > 24 * 60)
      throw new HttpError(400, 'Pick a duration.');
    try {
      const result = await activate(
        services.access,
        {
          group,
          durationMs: minutes * 60_000,
          reason: form.get('reason') ?? undefined,
          ticket: form.get('ticket') ?? undefined,
          approvalTimeoutMs: 0,
          effectiveTimeoutMs: 30_000,
        },
        elevateDeps(session),
      );
      const name = result.group.displayName ?? result.group.id;
      session.flash =
        result.outcome === 'pending-approval'
          ? { kind: 'ok', text: `Requested ${name}: an approver decides next.` }
          : {
              kind: 'ok',
              text: `${name} is active${result.end ? ` until ${result.end.slice(0, 16).replace('T', ' ')} UTC` : ''}. Clusters with the kentra webhook see it at once; elsewhere your next token refresh carries it (kentra get-token --force-refresh).`,
            };
    } catch (error) {
      if (error instanceof StepUpNeeded) {
        const context = requestedContexts(error.need.claims)[0];
        const step = error.need.mfa ? 'mfa' : context && stepPattern.test(context) ? context : undefined;
        session.flash = {
          kind: 'error',
          text: 'This group needs a stronger sign-in before it can be activated.',
          ...(step ? { action: { href: `/login?step=${step}`, label: 'Sign in again, then activate' } } : {}),
        };
      } else if (error instanceof KentraError) {
        session.flash = {
          kind: 'error',
          text: error.hint ? `${error.message}. ${error.hint}` : error.message,
        };
      } else throw error;
    }
    redirect(res, '/#elevate-heading');
  }

  async function dashboard(res: ServerResponse, session: PortalSession): Promise<void> {
    const deps = elevateDeps(session);
    const notes: string[] = [];
    const noted =
      <T>(what: string, fallback: T) =>
      (error: unknown): T => {
        notes.push(`${what}: ${(error as Error).message}`);
        return fallback;
      };
    const [groups, options, status] = await Promise.all([
      deps.graph.client
        .list<{ id?: string; displayName?: string }>('/me/transitiveMemberOf/microsoft.graph.group', {
          query: { $select: 'id,displayName' },
        })
        .catch(noted('Your groups could not be read', [] as { id?: string; displayName?: string }[])),
      elevationOptions(services.access, deps).catch(noted('PIM eligibility could not be read', undefined)),
      elevationStatus(services.access, deps).catch(noted('Your elevations could not be read', undefined)),
    ]);
    const groupIds = groups.flatMap((g) => (g.id ? [g.id.toLowerCase()] : []));
    const clusters = await Promise.all(
      services.access.clusters.map((cluster) => clusterView(cluster, session, groupIds)),
    );
    const flash = session.flash;
    session.flash = undefined;
    const model: DashboardModel = {
      user: session.user,
      csrf: session.csrf,
      groups: groups.flatMap((g) =>
        g.id ? [{ id: g.id, ...(g.displayName ? { displayName: g.displayName } : {}) }] : [],
      ),
      clusters,
      active: status?.active ?? [],
      pending: status?.pending ?? [],
      options: (options?.options ?? []).filter((o) => !o.active),
      ...(flash ? { flash } : {}),
      notes,
      now: services.now(),
    };
    send(res, 200, dashboardPage(model));
  }

  /** What the user can do on a cluster: its RBAC evaluated for the identity the access file maps them to. */
  async function clusterView(
    cluster: ClusterSpec,
    session: PortalSession,
    groupIds: string[],
  ): Promise<ClusterView> {
    const { identity } = services.access;
    const kubeconfig = cluster.server !== undefined;
    const usernameClaim = identity.username.claim;
    const username =
      usernameClaim === 'oid'
        ? session.user.oid
        : ['upn', 'preferred_username', 'email'].includes(usernameClaim)
          ? session.user.upn
          : undefined;
    if (username === undefined || identity.groups.claim !== 'groups')
      return {
        name: cluster.name,
        kubeconfig,
        error: `the cluster maps ${usernameClaim}/${identity.groups.claim}, which the portal cannot evaluate`,
      };
    try {
      const snapshot = await services.rbac(cluster);
      const user = {
        name: `${identity.username.prefix}${username}`,
        groups: [...groupIds.map((id) => `${identity.groups.prefix}${id}`), 'system:authenticated'],
      };
      return {
        name: cluster.name,
        kubeconfig,
        can: capabilitySummary(new SubjectAccess(new RbacEvaluator(snapshot), user), snapshot.namespaces),
      };
    } catch (error) {
      services.log('rbac_unreadable', { cluster: cluster.name, error: (error as Error).message });
      return { name: cluster.name, kubeconfig, error: 'its RBAC could not be read by the portal' };
    }
  }

  async function kubeconfig(res: ServerResponse, session: PortalSession, name: string): Promise<void> {
    const cluster = services.access.clusters.find((c) => c.name === name);
    if (!cluster?.server)
      throw new HttpError(404, 'No such cluster, or the access file gives no server for it.');
    const text = await services.kubeconfig(cluster, session.user.upn);
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/yaml; charset=utf-8',
      'content-disposition': `attachment; filename="${cluster.name.replace(/[^A-Za-z0-9._-]/g, '_')}.kubeconfig"`,
      'cache-control': 'no-store',
    });
    res.end(text);
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', settings.origin);
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      if (route === 'GET /static/portal.css') {
        res.writeHead(200, {
          ...headers,
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'max-age=3600',
        });
        return void res.end(portalCss);
      }
      if (route === 'GET /login') return await login(req, res, url);
      if (route === 'GET /auth/callback') return await callback(req, res, url);
      if (route === 'POST /elevate') return await elevate(req, res);
      if (route === 'POST /logout') {
        const session = sessionOf(req);
        await postedForm(req, session);
        if (session) sessions.end(session.id);
        return redirect(res, '/', { 'set-cookie': clearedCookie(sessionCookieName) });
      }
      const session = sessionOf(req);
      if (route === 'GET /') return session ? await dashboard(res, session) : send(res, 200, signedOutPage());
      const download = /^GET \/kubeconfig\/([^/]+)$/.exec(route);
      if (download) {
        if (!session) return redirect(res, '/');
        return await kubeconfig(res, session, decodeURIComponent(download[1] ?? ''));
      }
      throw new HttpError(404, 'There is no such page.');
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError)
        return send(res, error.status, errorPage('Not possible', error.message, error.status));
      services.log('error', { route, error: (error as Error).message });
      send(
        res,
        500,
        errorPage('Something went wrong', 'The portal could not answer; the details are in its log.', 500),
      );
    }
  };
}
