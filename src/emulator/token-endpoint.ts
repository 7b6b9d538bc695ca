/**
 * POST /{tenant}/oauth2/v2.0/token (and the v1 /oauth2/token): the four
 * grants, client authentication, PKCE, single-use codes, refresh-token
 * rotation and revocation, and Entra's error codes for each refusal.
 */
import { createHash } from 'node:crypto';
import { verifyClientAssertion } from './client-assertion.js';
import { type CaOutcome, requestedAuthContexts } from './conditional-access.js';
import type { EmulatorContext } from './context.js';
import { type AadstsCode, StsFailure } from './errors.js';
import type { Authentication } from './grants.js';
import { type Exchange, formOf, safeDecode, sendJson } from './http.js';
import { newGuid, sha256 } from './ids.js';
import { admitUser, failedSignIn, issueAppToken, issueUserTokens, type RequestMeta } from './issuance.js';
import type { Application, Tenant } from './model.js';
import { isPublicClientRedirect } from './redirect-uris.js';
import { resolveScopes } from './scopes.js';
import type { AuthProtocol, ClientCredentialType, SignInEventType } from './signin-log.js';
import { findClient, type TenantScope } from './tenants.js';

const deviceGrantTypes = new Set(['device_code', 'urn:ietf:params:oauth:grant-type:device_code']);

interface TokenCall {
  ctx: EmulatorContext;
  form: URLSearchParams;
  scope: TenantScope;
  client: Application;
  secret: string | undefined;
  /** A signed client assertion (certificate or federated credential) instead of a secret. */
  assertion: string | undefined;
  meta: RequestMeta;
}

export async function handleToken(
  ctx: EmulatorContext,
  ex: Exchange,
  scope: TenantScope,
  v1: boolean,
): Promise<void> {
  const form = await formOf(ex);
  const basic = basicCredentials(ex.req.headers.authorization);
  if (basic && !form.get('client_id')) form.set('client_id', basic.clientId);
  if (v1 && form.get('resource') && !form.get('scope'))
    form.set('scope', `${form.get('resource')}/.default openid`);
  const grantType = form.get('grant_type');
  if (!grantType) throw new StsFailure(900144, 'grant_type');
  const call: TokenCall = {
    ctx,
    form,
    scope,
    client: findClient(ctx.directory, scope, form.get('client_id')),
    secret: form.get('client_secret') ?? basic?.secret,
    assertion: form.get('client_assertion') ?? undefined,
    meta: {
      ip: ex.ip,
      userAgent: ex.userAgent,
      correlationId: form.get('client-request-id') ?? headerValue(ex.req.headers['client-request-id']),
    },
  };
  let body: unknown;
  if (grantType === 'authorization_code') body = await redeemCode(call);
  else if (grantType === 'refresh_token') body = await redeemRefreshToken(call);
  else if (deviceGrantTypes.has(grantType)) body = await redeemDeviceCode(call);
  else if (grantType === 'client_credentials') body = await clientCredentials(call);
  else if (grantType === 'password') body = await passwordGrant(call);
  else throw new StsFailure(70003, grantType);
  sendJson(ex.res, 200, body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const index = decoded.indexOf(':');
  if (index < 0) return undefined;
  return {
    clientId: safeDecode(decoded.slice(0, index)),
    secret: safeDecode(decoded.slice(index + 1)),
  };
}

/**
 * Client authentication. In a public-client flow (a publicClient redirect URI, or device code and
 * password grants of an app that allows public client flows) no credential is needed, and an app
 * without credentials that sends one gets 700025; otherwise a valid secret or client assertion
 * (certificate or federated credential, see client-assertion.ts) is required (7000218, 7000215).
 * Returns the kind of credential that was presented, for the sign-in log.
 */
async function authenticateClient(call: TokenCall, publicFlow: boolean): Promise<ClientCredentialType> {
  const { client, secret, assertion } = call;
  const presented = (secret !== undefined && secret !== '') || (assertion !== undefined && assertion !== '');
  if (!presented) {
    if (!publicFlow) throw new StsFailure(7000218);
    return 'none';
  }
  const hasCredentials =
    client.passwordCredentials.length > 0 ||
    client.keyCredentials.length > 0 ||
    client.federatedIdentityCredentials.length > 0;
  if (!hasCredentials && publicFlow) throw new StsFailure(700025);
  if (assertion) {
    return verifyClientAssertion(call.ctx, {
      client,
      tenant: call.scope.tenant,
      segment: call.scope.segment,
      assertion,
      assertionType: call.form.get('client_assertion_type'),
    });
  }
  const now = call.ctx.now();
  const hash = sha256(secret ?? '');
  const valid = client.passwordCredentials.some(
    (c) => c.secretHash === hash && Date.parse(c.startDateTime) <= now && now < Date.parse(c.endDateTime),
  );
  if (!valid) throw new StsFailure(7000215, client.appId);
  return 'clientSecret';
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new StsFailure(900144, name);
  return value;
}

function tenantOf(call: TokenCall, tenantId: string): Tenant {
  const tenant = call.ctx.directory.tenant(tenantId);
  if (!tenant || (call.scope.tenant && call.scope.tenant.id !== tenant.id))
    throw new StsFailure(70000, 'grant');
  return tenant;
}

/** Re-checks the user at the token endpoint and refuses when Conditional Access wants a second factor. */
function admit(
  call: TokenCall,
  tenant: Tenant,
  auth: Authentication,
  resource: Application,
  eventType: SignInEventType,
  protocol: Exclude<AuthProtocol, 'none'>,
): { user: NonNullable<ReturnType<Tenant['users']['get']>>; ca: CaOutcome } {
  const user = tenant.users.get(auth.userId);
  if (!user) throw new StsFailure(50034, auth.userId);
  const ca = admitUser(
    call.ctx,
    { tenant, user, client: call.client, resource, eventType, protocol, meta: call.meta },
    { requestedAcrs: requestedAuthContexts(call.form.get('claims')), mfaDone: auth.amr.includes('mfa') },
  );
  if (ca.mfaRequired) throw new StsFailure(50076, resource.displayName);
  return { user, ca };
}

async function redeemCode(call: TokenCall): Promise<unknown> {
  const { ctx, form } = call;
  const grant = ctx.grants.code(required(form, 'code'));
  if (!grant || grant.request.clientId !== call.client.appId) throw new StsFailure(70000, 'code');
  if (grant.redeemed) throw new StsFailure(54005);
  grant.redeemed = true;
  const publicFlow =
    call.client.isFallbackPublicClient || isPublicClientRedirect(call.client, grant.request.redirectUri);
  await authenticateClient(call, publicFlow);
  if (form.get('redirect_uri') !== grant.request.redirectUri) throw new StsFailure(70000, 'redirect_uri');
  const challenge = grant.request.codeChallenge;
  if (challenge) {
    const verifier = form.get('code_verifier');
    if (!verifier) throw new StsFailure(900144, 'code_verifier');
    const derived =
      grant.request.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
    if (derived !== challenge) throw new StsFailure(501481);
  }
  const tenant = tenantOf(call, grant.auth.tenantId);
  const scopes = resolveScopes(ctx.directory, tenant, form.get('scope') ?? grant.request.scope, {
    appOnly: false,
  });
  const { user, ca } = admit(call, tenant, grant.auth, scopes.resource, 'interactiveUser', 'oAuth2');
  return issueUserTokens(ctx, {
    tenant,
    user,
    client: call.client,
    scopes,
    auth: grant.auth,
    acrs: grant.acrs,
    ca,
    nonce: grant.request.nonce,
    clientInfo: form.get('client_info') === '1',
    publicClient: publicFlow,
    eventType: 'interactiveUser',
    protocol: 'oAuth2',
    meta: call.meta,
  });
}

async function redeemRefreshToken(call: TokenCall): Promise<unknown> {
  const { ctx, form } = call;
  const grant = ctx.grants.refreshToken(required(form, 'refresh_token'));
  if (!grant || grant.clientId !== call.client.appId) throw new StsFailure(70000, 'refresh_token');
  await authenticateClient(call, grant.publicClient);
  const tenant = tenantOf(call, grant.tenantId);
  const user = tenant.users.get(grant.auth.userId);
  if (user && grant.issuedAt < user.signInSessionsValidFrom) throw new StsFailure(50173);
  const scopes = resolveScopes(ctx.directory, tenant, form.get('scope') ?? grant.scope, { appOnly: false });
  const admitted = admit(call, tenant, grant.auth, scopes.resource, 'nonInteractiveUser', 'oAuth2');
  return issueUserTokens(ctx, {
    tenant,
    user: admitted.user,
    client: call.client,
    scopes,
    auth: grant.auth,
    acrs: admitted.ca.satisfiedAcrs,
    ca: admitted.ca,
    nonce: undefined,
    clientInfo: form.get('client_info') === '1',
    publicClient: grant.publicClient,
    eventType: 'nonInteractiveUser',
    protocol: 'oAuth2',
    meta: call.meta,
  });
}

async function redeemDeviceCode(call: TokenCall): Promise<unknown> {
  const { ctx, form } = call;
  const grant = ctx.grants.device(
    form.get('device_code') ?? form.get('code') ?? required(form, 'device_code'),
  );
  if (!grant || grant.clientId !== call.client.appId) throw new StsFailure(70000, 'device_code');
  await authenticateClient(call, call.client.isFallbackPublicClient);
  if (grant.state === 'redeemed') throw new StsFailure(54005);
  if (grant.state === 'failed')
    throw new StsFailure((grant.failure ?? 70000) as AadstsCode, call.client.displayName);
  if (ctx.now() >= grant.expiresAt) throw new StsFailure(70019);
  if (grant.state === 'pending' || !grant.auth) throw new StsFailure(70016);
  grant.state = 'redeemed';
  const tenant = tenantOf(call, grant.tenantId);
  const scopes = resolveScopes(ctx.directory, tenant, grant.scope, { appOnly: false });
  const { user, ca } = admit(call, tenant, grant.auth, scopes.resource, 'interactiveUser', 'deviceCode');
  return issueUserTokens(ctx, {
    tenant,
    user,
    client: call.client,
    scopes,
    auth: grant.auth,
    acrs: grant.acrs,
    ca,
    nonce: undefined,
    clientInfo: form.get('client_info') === '1',
    publicClient: call.client.isFallbackPublicClient,
    eventType: 'interactiveUser',
    protocol: 'deviceCode',
    meta: call.meta,
  });
}

/**
 * Resource owner password credentials (deprecated by Microsoft, still served by Entra): kept so that
 * a wrong password surfaces at the token endpoint as AADSTS50126, as it does in Entra.
 */
async function passwordGrant(call: TokenCall): Promise<unknown> {
  const { ctx, form } = call;
  const username = required(form, 'username');
  const password = required(form, 'password');
  const found = ctx.directory.findUser(username, call.scope.tenant);
  const client = found ? ctx.directory.application(found.tenant, call.client.appId) : undefined;
  if (found && !client) throw new StsFailure(700016, call.client.appId);
  if (!found || !client || found.user.password !== password) {
    const failure = new StsFailure(50126);
    if (found && client) {
      failedSignIn(
        ctx,
        {
          tenant: found.tenant,
          user: found.user,
          client,
          resource: undefined,
          eventType: 'interactiveUser',
          protocol: 'ropc',
          meta: call.meta,
        },
        failure,
      );
    }
    throw failure;
  }
  await authenticateClient(call, call.client.isFallbackPublicClient);
  const { tenant, user } = found;
  const scopes = resolveScopes(ctx.directory, tenant, form.get('scope'), { appOnly: false });
  const auth: Authentication = {
    tenantId: tenant.id,
    userId: user.id,
    sid: newGuid(),
    authTime: Math.floor(ctx.now() / 1000),
    amr: ['pwd'],
  };
  const { ca } = admit({ ...call, client }, tenant, auth, scopes.resource, 'interactiveUser', 'ropc');
  return issueUserTokens(ctx, {
    tenant,
    user,
    client,
    scopes,
    auth,
    acrs: ca.satisfiedAcrs,
    ca,
    nonce: undefined,
    clientInfo: form.get('client_info') === '1',
    publicClient: call.client.isFallbackPublicClient,
    eventType: 'interactiveUser',
    protocol: 'ropc',
    meta: call.meta,
  });
}

async function clientCredentials(call: TokenCall): Promise<unknown> {
  const { ctx, form } = call;
  const tenant = call.scope.tenant;
  if (!tenant) {
    throw new StsFailure(
      9002313,
      'The client credentials flow needs a tenant-specific authority, not /common.',
    );
  }
  const credentialType = await authenticateClient(call, false);
  const scopes = resolveScopes(ctx.directory, tenant, form.get('scope'), { appOnly: true });
  return issueAppToken(ctx, { tenant, client: call.client, scopes, credentialType, meta: call.meta });
}
