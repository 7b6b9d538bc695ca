/**
 * Minting a token response and its sign-in log record, plus the checks Entra
 * makes before it mints for a user (enabled, assigned, Conditional Access).
 * Every path that issues tokens comes through here, so every token has a log
 * row with its `uti`.
 */
import { type CaOutcome, evaluateConditionalAccess } from './conditional-access.js';
import type { EmulatorContext } from './context.js';
import { StsFailure } from './errors.js';
import type { Authentication } from './grants.js';
import { newUti } from './ids.js';
import type { Application, ServicePrincipal, Tenant, User } from './model.js';
import type { ResolvedScopes } from './scopes.js';
import type { AuthProtocol, ClientCredentialType, SignInEventType } from './signin-log.js';
import { appAccessTokenClaims, idTokenClaims, userAccessTokenClaims } from './tokens.js';

export interface RequestMeta {
  ip: string;
  userAgent: string;
  correlationId: string | undefined;
}

export interface Admission {
  tenant: Tenant;
  user: User | undefined;
  client: Application;
  resource: Application | undefined;
  eventType: SignInEventType;
  protocol: AuthProtocol;
  meta: RequestMeta;
}

/** Records a failed sign-in in the log and returns the failure to throw or show. */
export function failedSignIn(
  ctx: EmulatorContext,
  a: Admission,
  failure: StsFailure,
  ca?: CaOutcome,
): StsFailure {
  ctx.signIns.record({
    tenant: a.tenant,
    user: a.user,
    client: a.client,
    resource: a.resource,
    eventType: a.eventType,
    protocol: a.protocol,
    ip: a.meta.ip,
    userAgent: a.meta.userAgent,
    correlationId: a.meta.correlationId,
    uti: undefined,
    sid: undefined,
    amr: [],
    mfaRequired: ca?.mfaRequired ?? false,
    caStatus: ca?.status ?? 'notApplied',
    policies: ca?.applied ?? [],
    acrs: [],
    errorCode: failure.code,
    failureReason: failure.message,
    clientCredentialType: 'none',
    at: ctx.now(),
  });
  return failure;
}

function assigned(
  ctx: EmulatorContext,
  tenant: Tenant,
  principalId: string,
  sp: ServicePrincipal | undefined,
): boolean {
  if (!sp?.appRoleAssignmentRequired) return true;
  return ctx.directory.assignedRoleIds(tenant, principalId, sp).length > 0;
}

/**
 * Entra's checks for a user sign-in, in its order: account enabled (50057), assigned to the app
 * when assignment is required (50105), Conditional Access block (53003). MFA demands are returned
 * for the caller: the sign-in page asks for a second factor; a silent grant fails with 50076.
 */
export function admitUser(
  ctx: EmulatorContext,
  a: Admission & { user: User },
  options: { requestedAcrs: string[]; mfaDone: boolean },
): CaOutcome {
  const { tenant, user, client, resource } = a;
  if (!user.accountEnabled) throw failedSignIn(ctx, a, new StsFailure(50057));
  for (const app of [client, resource]) {
    if (!app) continue;
    const sp = ctx.directory.servicePrincipal(tenant, app.appId);
    if (!assigned(ctx, tenant, user.id, sp)) {
      throw failedSignIn(ctx, a, new StsFailure(50105, `${app.displayName} ('${app.appId}')`));
    }
  }
  const outcome = evaluateConditionalAccess(ctx.directory, tenant, {
    user,
    appIds: [client.appId, ...(resource ? [resource.appId] : [])],
    ip: a.meta.ip,
    requestedAcrs: options.requestedAcrs,
    mfaDone: options.mfaDone,
    ...(a.protocol === 'deviceCode' ? { transferMethod: 'deviceCodeFlow' as const } : {}),
  });
  if (outcome.blocked) throw failedSignIn(ctx, a, new StsFailure(53003), outcome);
  return outcome;
}

export interface TokenResponse {
  token_type: 'Bearer';
  /** Absent for client credentials, as in Entra's recorded responses. */
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export interface UserIssue {
  tenant: Tenant;
  user: User;
  client: Application;
  scopes: ResolvedScopes;
  auth: Authentication;
  acrs: string[];
  ca: CaOutcome;
  nonce: string | undefined;
  clientInfo: boolean;
  /** Whether the client redeemed as a public client (its refresh tokens then need no secret either). */
  publicClient: boolean;
  eventType: SignInEventType;
  protocol: Exclude<AuthProtocol, 'none'>;
  meta: RequestMeta;
}

/** Access token (+ ID token with `openid`, + refresh token with `offline_access`) for a user. */
export async function issueUserTokens(ctx: EmulatorContext, input: UserIssue): Promise<TokenResponse> {
  const iat = Math.floor(ctx.now() / 1000);
  // One uti per token response: the access and ID token share it, so either joins to the one log row.
  const uti = newUti();
  const lifetime = ctx.tokenLifetimeSeconds;
  const tokenCtx = {
    baseUrl: ctx.baseUrl,
    tenant: input.tenant,
    user: input.user,
    client: input.client,
    sid: input.auth.sid,
    authTime: input.auth.authTime,
    amr: input.auth.amr,
    uti,
    iat,
    lifetimeSeconds: lifetime,
    ip: input.meta.ip,
  };
  const access = userAccessTokenClaims(ctx.directory, tokenCtx, {
    app: input.scopes.resource,
    name: input.scopes.resourceName,
    permissions: input.scopes.permissions,
    acrs: input.acrs,
  });
  const response: TokenResponse = {
    token_type: 'Bearer',
    scope: [...input.scopes.requested, ...[...input.scopes.oidc].filter((s) => s !== 'offline_access')].join(
      ' ',
    ),
    expires_in: lifetime - 1,
    ext_expires_in: lifetime - 1,
    access_token: await ctx.keys.sign(access.claims, access.version),
  };
  if (input.scopes.oidc.has('offline_access')) {
    response.refresh_token = ctx.grants.issueRefreshToken({
      tenantId: input.tenant.id,
      clientId: input.client.appId,
      scope: [...input.scopes.requested, ...input.scopes.oidc].join(' '),
      auth: input.auth,
      acrs: input.acrs,
      publicClient: input.publicClient,
    });
  }
  if (input.scopes.oidc.has('openid')) {
    const id = idTokenClaims(ctx.directory, tokenCtx, {
      nonce: input.nonce,
      email: input.scopes.oidc.has('email'),
    });
    response.id_token = await ctx.keys.sign(id, '2.0');
  }
  if (input.clientInfo) {
    response.client_info = Buffer.from(
      JSON.stringify({ uid: input.user.id, utid: input.tenant.id }),
    ).toString('base64url');
  }
  ctx.signIns.record({
    tenant: input.tenant,
    user: input.user,
    client: input.client,
    resource: input.scopes.resource,
    eventType: input.eventType,
    protocol: input.protocol,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    correlationId: input.meta.correlationId,
    uti,
    sid: input.auth.sid,
    amr: input.auth.amr,
    mfaRequired: input.ca.applied.some(
      (p) => p.enforcedGrantControls.includes('Mfa') && p.result === 'success',
    ),
    caStatus: input.ca.status,
    policies: input.ca.applied,
    acrs: input.acrs,
    errorCode: 0,
    failureReason: null,
    clientCredentialType: 'none',
    at: ctx.now(),
  });
  return response;
}

/**
 * An app-only access token (client credentials, or a managed identity's token) for the client's
 * service principal; refused when the resource requires assignment and the client has no app role
 * on it (501051), as Entra does.
 */
export async function issueAppToken(
  ctx: EmulatorContext,
  input: {
    tenant: Tenant;
    client: Application;
    scopes: ResolvedScopes;
    credentialType: ClientCredentialType;
    meta: RequestMeta;
  },
): Promise<TokenResponse> {
  const { tenant, scopes } = input;
  const sp = ctx.directory.servicePrincipal(tenant, input.client.appId);
  if (!sp) throw new StsFailure(700016, input.client.appId);
  const resourceSp = ctx.directory.servicePrincipal(tenant, scopes.resource.appId);
  if (
    resourceSp?.appRoleAssignmentRequired &&
    ctx.directory.assignedRoleIds(tenant, sp.id, resourceSp).length === 0
  )
    throw new StsFailure(501051, `'${scopes.resource.appId}'(${scopes.resource.displayName})`);
  const iat = Math.floor(ctx.now() / 1000);
  const uti = newUti();
  const lifetime = ctx.tokenLifetimeSeconds;
  const token = appAccessTokenClaims(
    ctx.directory,
    { baseUrl: ctx.baseUrl, tenant: input.tenant, uti, iat, lifetimeSeconds: lifetime },
    { app: input.client, sp },
    { app: input.scopes.resource, name: input.scopes.resourceName },
  );
  ctx.signIns.record({
    tenant: input.tenant,
    user: undefined,
    client: input.client,
    resource: input.scopes.resource,
    servicePrincipalId: sp.id,
    eventType: input.credentialType === 'managedIdentity' ? 'managedIdentity' : 'servicePrincipal',
    protocol: 'none',
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    correlationId: input.meta.correlationId,
    uti,
    sid: undefined,
    amr: [],
    mfaRequired: false,
    caStatus: 'notApplied',
    policies: [],
    acrs: [],
    errorCode: 0,
    failureReason: null,
    clientCredentialType: input.credentialType,
    at: ctx.now(),
  });
  return {
    token_type: 'Bearer',
    expires_in: lifetime - 1,
    ext_expires_in: lifetime - 1,
    access_token: await ctx.keys.sign(token.claims, token.version),
  };
}
