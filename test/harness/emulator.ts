/**
 * The local Entra ID for tests: starts `kentra emulator` in-process on a free
 * loopback port and returns a handle. Other test files import this; keep the
 * API stable.
 *
 *   const entra = await startEmulator();            // built-in demo tenant; options: { seed?: YAML text,
 *                                                   //   stateDir?, tokenLifetimeSeconds?, port? (default: a free one) }
 *   entra.url / caPem / caFile                      // https://127.0.0.1:PORT and the CA that signs it
 *   entra.tenantId / issuer / issuerV1 / authority  // default tenant; v2 issuer = the kube-apiserver issuer URL
 *   entra.clientId                                  // the kentra app (public client, loopback + device code)
 *   entra.automation.{clientId,secret}              // confidential client with Graph application permissions
 *   entra.otherClientId / restrictedClientId        // another audience / an app only platform-admins are assigned to
 *   entra.graphBase                                 // url + '/v1.0'
 *   entra.users.admin|developer|noGroups|disabled|guest|manyGroups  // { upn, password, oid, displayName, mfaCode }
 *   entra.groups['platform-admins']                 // group name -> object ID
 *   entra.control                                   // rotateKeys, addToGroup/removeFromGroup, setUserEnabled,
 *                                                   // revokeSignInSessions, add/removeConditionalAccessPolicy,
 *                                                   // setFault/clearFaults, requestCount(endpoint), signIns(),
 *                                                   // directoryAudits(), mintIdToken({user, clientId, ...}),
 *                                                   // advanceClock(ms) (PIM schedules), scheduleNow()
 *   entra.signInWithPassword({ user, clientId?, scope?, claims?, amrValues?, mfaCode? })  // auth code + PKCE via the
 *                                                   // stand-in browser -> { idToken, accessToken, refreshToken }
 *   entra.browser()                                 // a StandInBrowser (signIn(url, creds), approveDeviceCode(...))
 *   entra.networkClient                             // msal-node INetworkModule that trusts the emulator CA
 *   entra.graphToken()                              // app-only Graph token of the automation app (cached)
 *   entra.graph(path, init?)                        // Graph call with that token: graph('/users?$top=5')
 *   entra.fetch(url, init?)                         // fetch() that trusts the emulator CA
 *   entra.jwks(version?)                            // jose JWKS getter for the tenant's keys (v2 default)
 *   entra.fetchJson(url, init?)                     // { status, headers, body } with JSON parsed
 *   entra.managedIdentity                           // { endpoint, header, imdsHost }: IDENTITY_ENDPOINT,
 *                                                   //   IDENTITY_HEADER, AZURE_POD_IDENTITY_AUTHORITY_HOST
 *   entra.hostIdentityClientId / webhookIdentityClientId  // the demo system- and user-assigned identities
 *   entra.stop()
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, customFetch, decodeJwt, type JWTVerifyGetKey } from 'jose';
import type { EmulatorControl } from '../../src/emulator/control.js';
import {
  demoAutomationClientId,
  demoAutomationSecret,
  demoHostIdentityClientId,
  demoKentraClientId,
  demoOtherClientId,
  demoRestrictedClientId,
  demoWebhookIdentityClientId,
} from '../../src/emulator/default-seed.js';
import { type RunningEmulator, startEmulatorServer } from '../../src/emulator/server.js';
import { v1Issuer, v2Issuer } from '../../src/emulator/tokens.js';
import { type Credentials, StandInBrowser } from './emulator-browser.js';

export interface DemoUser {
  upn: string;
  password: string;
  oid: string;
  displayName: string;
  mfaCode: string;
}

export type DemoUserKey = 'admin' | 'developer' | 'noGroups' | 'disabled' | 'guest' | 'manyGroups';

export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  /** The whole token endpoint response. */
  response: Record<string, unknown>;
}

export interface SignInOptions {
  user: DemoUser | Credentials;
  clientId?: string;
  /** Default `openid profile offline_access`. */
  scope?: string;
  claims?: string;
  /** `amr_values` (e.g. `ngcmfa`): ask for a second factor. */
  amrValues?: string;
  mfaCode?: string;
  tenant?: string;
}

/** The INetworkModule shape msal-node's `system.networkClient` takes (msal-node 7 has no CA option). */
export interface NetworkClient {
  sendGetRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<{ headers: Record<string, string>; body: T; status: number }>;
  sendPostRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<{ headers: Record<string, string>; body: T; status: number }>;
}

export interface EmulatorHandle {
  readonly url: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly stateDir: string;
  readonly tenantId: string;
  readonly issuer: string;
  readonly issuerV1: string;
  /** `${url}/${tenantId}`: the msal-node authority. */
  readonly authority: string;
  readonly clientId: string;
  readonly automation: { clientId: string; secret: string };
  readonly otherClientId: string;
  readonly restrictedClientId: string;
  readonly graphBase: string;
  /** The managed-identity endpoint: IDENTITY_ENDPOINT + IDENTITY_HEADER, or AZURE_POD_IDENTITY_AUTHORITY_HOST. */
  readonly managedIdentity: { endpoint: string; header: string; imdsHost: string };
  /** The demo tenant's system-assigned and user-assigned managed identities (client IDs). */
  readonly hostIdentityClientId: string;
  readonly webhookIdentityClientId: string;
  readonly users: Record<DemoUserKey, DemoUser>;
  readonly groups: Record<string, string>;
  readonly control: EmulatorControl;
  readonly networkClient: NetworkClient;
  /** Unexpected server-side failures seen so far (a test can assert there were none). */
  readonly serverErrors: unknown[];
  browser(): StandInBrowser;
  /** An app-only Microsoft Graph access token for the automation app (all its Graph permissions). */
  graphToken(): Promise<string>;
  /** A Graph request (path after /v1.0, or a full URL such as an @odata.nextLink) with the automation app's token. */
  graph(
    path: string,
    init?: { method?: string; body?: unknown; version?: 'v1.0' | 'beta'; token?: string },
  ): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>;
  /** fetch() that trusts the emulator's CA. */
  fetch(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response>;
  /** A jose key getter for the default tenant's JWKS (v2 keys unless version 1). */
  jwks(version?: 1 | 2): JWTVerifyGetKey;
  signInWithPassword(options: SignInOptions): Promise<TokenSet>;
  /** HTTPS request to the emulator (or any URL) trusting its CA; JSON bodies parsed. */
  fetchJson(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
  stop(): Promise<void>;
}

const demoUserUpns: Record<DemoUserKey, string> = {
  admin: 'alex.admin',
  developer: 'devi.developer',
  noGroups: 'nico.nogroups',
  disabled: 'dora.disabled',
  guest: 'gus_partner.example#EXT#',
  manyGroups: 'manny.manygroups',
};

type RequestInit = { method?: string; headers?: Record<string, string>; body?: string };

function httpsRaw(agent: Agent, url: string, init: RequestInit = {}) {
  return new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function httpsJson(agent: Agent, url: string, init: RequestInit = {}) {
  const { status, headers, text } = await httpsRaw(agent, url, init);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status, headers, body };
}

/**
 * Approves every device code a process prints on stderr (Entra's "open the page URL and enter the
 * code CODE") on the emulator's page, as `user` on another device would. Each approval settles with
 * undefined, or with the error the page gave (a refusal such as a Conditional Access block is shown
 * there, and the process learns it from its next poll).
 */
export function deviceCodeApprover(entra: EmulatorHandle, user: DemoUser) {
  const approvals: Promise<unknown>[] = [];
  const onStderr = (text: string) => {
    const prompt = /open the page (\S+) and enter the code (\S+)/.exec(text);
    if (prompt?.[1] && prompt[2])
      approvals.push(
        entra
          .browser()
          .approveDeviceCode(prompt[1], prompt[2], { username: user.upn, password: user.password })
          .then(
            () => undefined,
            (error: unknown) => error,
          ),
      );
  };
  return { onStderr, approvals };
}

/**
 * A Conditional Access policy that blocks device code sign-ins of everyone (the "authentication
 * flows" condition) while every other flow passes; returns its ID for removeConditionalAccessPolicy.
 */
export function blockDeviceCode(control: EmulatorControl): string {
  return control.addConditionalAccessPolicy({
    displayName: 'Block device code flow',
    includeApplications: ['All'],
    includeUsers: ['All'],
    transferMethods: ['deviceCodeFlow'],
    grant: 'block',
  });
}

export async function startEmulator(
  options: {
    seed?: string;
    stateDir?: string;
    tokenLifetimeSeconds?: number;
    port?: number;
    /** CAs the emulator trusts when it reads a federated credential's issuer (a test issuer's). */
    trustedCaPems?: string[];
  } = {},
): Promise<EmulatorHandle> {
  const ownDir = options.stateDir ? undefined : await mkdtemp(join(tmpdir(), 'kentra-emulator-'));
  const stateDir = options.stateDir ?? (ownDir as string);
  const serverErrors: unknown[] = [];
  let running: RunningEmulator;
  try {
    running = await startEmulatorServer({
      stateDir,
      seed: options.seed ? { text: options.seed, source: 'test seed' } : undefined,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      port: options.port,
      trustedCaPems: options.trustedCaPems,
      onError: (error) => serverErrors.push(error),
    });
  } catch (error) {
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
    throw error;
  }
  const directory = running.context.directory;
  const tenant = directory.defaultTenant;
  const users = {} as Record<DemoUserKey, DemoUser>;
  for (const [key, local] of Object.entries(demoUserUpns) as [DemoUserKey, string][]) {
    const user = directory.findUser(`${local}@${tenant.domain}`, tenant)?.user;
    if (user) {
      users[key] = {
        upn: user.userPrincipalName,
        password: user.password,
        oid: user.id,
        displayName: user.displayName,
        mfaCode: user.mfaCode,
      };
    }
  }
  const groups = Object.fromEntries([...tenant.groups.values()].map((g) => [g.displayName, g.id]));
  const caPem = running.caPem;
  const url = running.url;
  // Keep-alive, like real clients; stop() destroys it (idle sockets never hold the process open anyway).
  const agent = new Agent({ keepAlive: true, ca: caPem });
  const fetchJson: EmulatorHandle['fetchJson'] = (target, init) => httpsJson(agent, target, init);
  const networkClient: NetworkClient = {
    async sendGetRequestAsync(target, init) {
      const r = await httpsJson(agent, target, { headers: init?.headers });
      return { status: r.status, headers: r.headers, body: r.body as never };
    },
    async sendPostRequestAsync(target, init) {
      const r = await httpsJson(agent, target, { method: 'POST', headers: init?.headers, body: init?.body });
      return { status: r.status, headers: r.headers, body: r.body as never };
    },
  };

  async function signInWithPassword(signIn: SignInOptions): Promise<TokenSet> {
    const credentials: Credentials =
      'upn' in signIn.user
        ? {
            username: signIn.user.upn,
            password: signIn.user.password,
            mfaCode: signIn.mfaCode ?? signIn.user.mfaCode,
          }
        : { ...signIn.user, mfaCode: signIn.mfaCode ?? signIn.user.mfaCode };
    const clientId = signIn.clientId ?? demoKentraClientId;
    const scope = signIn.scope ?? 'openid profile offline_access';
    const redirectUri = 'http://localhost:1/';
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const authorize = new URL(`${url}/${signIn.tenant ?? tenant.id}/oauth2/v2.0/authorize`);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      state,
      nonce: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      client_info: '1',
      ...(signIn.claims ? { claims: signIn.claims } : {}),
      ...(signIn.amrValues ? { amr_values: signIn.amrValues } : {}),
    }).toString();
    // Query mode: the stand-in does not deliver to the (unused) loopback port 1.
    const params = await new StandInBrowser(caPem).signIn(authorize.toString(), credentials);
    const error = params.get('error');
    if (error) throw new Error(`${error}: ${params.get('error_description') ?? ''}`);
    if (params.get('state') !== state) throw new Error('state mismatch');
    const code = params.get('code') ?? '';
    const response = await httpsJson(agent, `${url}/${signIn.tenant ?? tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        scope,
        client_info: '1',
      }).toString(),
    });
    const body = response.body as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`${String(body.error)}: ${String(body.error_description)}`);
    return {
      idToken: String(body.id_token),
      accessToken: String(body.access_token),
      refreshToken: body.refresh_token === undefined ? undefined : String(body.refresh_token),
      response: body,
    };
  }

  const fetchWithCa: EmulatorHandle['fetch'] = async (target, init) => {
    const r = await httpsRaw(agent, target, init);
    return new Response(r.status === 204 ? null : r.text, { status: r.status, headers: r.headers });
  };

  // One automation token serves many Graph calls (one sign-in row, as a real client caches it) until
  // the signing key changes or it is within a minute of expiry.
  let cachedGraphToken: { token: string; kid: string; exp: number } | undefined;
  async function graphToken(): Promise<string> {
    const kid = running.control.activeKid();
    const cached = cachedGraphToken;
    if (cached && cached.kid === kid && cached.exp - 60 > Date.now() / 1000) return cached.token;
    const token = await freshGraphToken();
    cachedGraphToken = { token, kid, exp: Number(decodeJwt(token).exp ?? 0) };
    return token;
  }
  async function freshGraphToken(): Promise<string> {
    const response = await httpsJson(agent, `${url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: demoAutomationClientId,
        client_secret: demoAutomationSecret,
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    return String((response.body as Record<string, unknown>).access_token);
  }
  const graph: EmulatorHandle['graph'] = async (path, init = {}) => {
    const target = path.startsWith('https://') ? path : `${url}/${init.version ?? 'v1.0'}${path}`;
    const response = await httpsJson(agent, target, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? (await graphToken())}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const body =
      typeof response.body === 'object' && response.body !== null
        ? (response.body as Record<string, unknown>)
        : {};
    return { status: response.status, headers: response.headers, body };
  };

  return {
    url,
    caPem,
    caFile: running.caFile,
    stateDir,
    tenantId: tenant.id,
    issuer: v2Issuer(url, tenant.id),
    issuerV1: v1Issuer(url, tenant.id),
    authority: `${url}/${tenant.id}`,
    clientId: demoKentraClientId,
    automation: { clientId: demoAutomationClientId, secret: demoAutomationSecret },
    otherClientId: demoOtherClientId,
    restrictedClientId: demoRestrictedClientId,
    graphBase: `${url}/v1.0`,
    managedIdentity: running.managedIdentity,
    hostIdentityClientId: demoHostIdentityClientId,
    webhookIdentityClientId: demoWebhookIdentityClientId,
    users,
    groups,
    control: running.control,
    networkClient,
    serverErrors,
    browser: () => new StandInBrowser(caPem),
    graphToken,
    graph,
    fetch: fetchWithCa,
    jwks: (version = 2) =>
      createRemoteJWKSet(new URL(`${url}/${tenant.id}/discovery/${version === 2 ? 'v2.0/' : ''}keys`), {
        [customFetch]: (input: string | URL | Request) => fetchWithCa(String(input)),
        cooldownDuration: 0,
      }),
    signInWithPassword,
    fetchJson,
    async stop() {
      agent.destroy();
      await running.close();
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
