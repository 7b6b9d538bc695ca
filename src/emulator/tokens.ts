/**
 * Claims of the tokens Entra issues, per token kind and version
 * (reference §2.2): v2 ID tokens; v1 or v2 access tokens as the resource app's
 * requestedAccessTokenVersion says; app-only tokens for client credentials.
 * Groups are object IDs, with the overage form above 200.
 */
import { createHash } from 'node:crypto';
import type { Directory } from './directory.js';
import { opaque, stableGuid } from './ids.js';
import type { Application, ServicePrincipal, Tenant, User } from './model.js';

/** Entra puts at most this many groups in a JWT; above it, `_claim_names`/`_claim_sources` instead. */
const groupsClaimLimit = 200;

export function v2Issuer(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/${tenantId}/v2.0`;
}

/** v1 tokens' issuer. Entra's is https://sts.windows.net/{tid}/; the emulator keeps it on its own origin. */
export function v1Issuer(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/${tenantId}/`;
}

/** Pairwise `sub`: differs per app for the same user (43-character base64url, as observed). */
export function pairwiseSubject(tenant: Tenant, appId: string, objectId: string): string {
  return createHash('sha256').update(`${tenant.subjectSalt}|${appId}|${objectId}`).digest('base64url');
}

export interface UserTokenContext {
  baseUrl: string;
  tenant: Tenant;
  user: User;
  client: Application;
  sid: string;
  authTime: number;
  amr: string[];
  uti: string;
  iat: number;
  lifetimeSeconds: number;
  ip: string;
}

function common(ctx: { baseUrl: string; tenant: Tenant; uti: string; iat: number; lifetimeSeconds: number }) {
  return {
    iat: ctx.iat,
    nbf: ctx.iat,
    exp: ctx.iat + ctx.lifetimeSeconds,
    aio: opaque(24),
    rh: `0.${opaque(24)}.`,
    tid: ctx.tenant.id,
    uti: ctx.uti,
  };
}

/** `groups` (object IDs) or the overage pointer, as the app's groupMembershipClaims asks. */
function groupClaims(directory: Directory, ctx: UserTokenContext, app: Application): Record<string, unknown> {
  const setting = app.groupMembershipClaims;
  if (!setting || setting === 'None' || setting === 'DirectoryRole') return {};
  let ids = directory.transitiveGroupIds(ctx.tenant, ctx.user.id);
  if (setting === 'SecurityGroup') ids = ids.filter((id) => ctx.tenant.groups.get(id)?.securityEnabled);
  if (setting === 'ApplicationGroup') {
    const sp = directory.servicePrincipal(ctx.tenant, app.appId);
    const assigned = new Set(
      ctx.tenant.appRoleAssignments.filter((a) => a.resourceId === sp?.id).map((a) => a.principalId),
    );
    ids = ids.filter((id) => assigned.has(id));
  }
  if (ids.length === 0) return {};
  if (ids.length <= groupsClaimLimit) return { groups: ids };
  // Entra points at AAD Graph; clients are told to call Microsoft Graph instead (reference §2.4).
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: {
      src1: { endpoint: `https://graph.windows.net/${ctx.tenant.id}/users/${ctx.user.id}/getMemberObjects` },
    },
  };
}

/**
 * `idp` for B2B guests: the issuer of their home tenant (Entra's v1 form). Members get none, meaning
 * "the token's issuer" (reference §2.2). A guest's home tenant is derived from the domain of their mail.
 */
function identityProviderClaim(user: User): Record<string, unknown> {
  if (user.userType !== 'Guest') return {};
  const domain =
    (user.mail ?? user.userPrincipalName.split('#EXT#')[0]?.replace('_', '@') ?? '').split('@')[1] ??
    'unknown.example';
  return { idp: `https://sts.windows.net/${stableGuid('tenant', domain.toLowerCase())}/` };
}

/** Names of the optional claims an app asked for (Graph `optionalClaims`, set by seed or PATCH). */
function optionalClaimNames(app: Application, kind: 'idToken' | 'accessToken'): string[] {
  const optional = app.extra.optionalClaims as
    | Record<string, { name?: unknown }[] | undefined>
    | null
    | undefined;
  return (optional?.[kind] ?? []).map((c) => String(c.name ?? ''));
}

/** The optional claims the emulator knows how to fill (others are ignored, as Entra ignores unknown names). */
function optionalClaims(
  ctx: UserTokenContext,
  app: Application,
  kind: 'idToken' | 'accessToken',
): Record<string, unknown> {
  const { user } = ctx;
  const values: Record<string, unknown> = {
    acct: user.userType === 'Guest' ? 1 : 0,
    auth_time: ctx.authTime,
    email: user.mail ?? undefined,
    family_name: user.surname ?? undefined,
    given_name: user.givenName ?? undefined,
    ipaddr: ctx.ip,
    login_hint: Buffer.from(JSON.stringify({ oid: user.id, tid: ctx.tenant.id })).toString('base64url'),
    upn: user.userPrincipalName,
    verified_primary_email: user.mail ? [user.mail] : undefined,
  };
  const out: Record<string, unknown> = {};
  for (const name of optionalClaimNames(app, kind)) if (values[name] !== undefined) out[name] = values[name];
  return out;
}

function roleClaims(
  directory: Directory,
  tenant: Tenant,
  principalId: string,
  app: Application,
): Record<string, unknown> {
  const sp: ServicePrincipal | undefined = directory.servicePrincipal(tenant, app.appId);
  if (!sp) return {};
  const ids = new Set(directory.assignedRoleIds(tenant, principalId, sp));
  const roles = app.appRoles.filter((r) => ids.has(r.id)).map((r) => r.value);
  return roles.length > 0 ? { roles } : {};
}

export function idTokenClaims(
  directory: Directory,
  ctx: UserTokenContext,
  options: { nonce: string | undefined; email: boolean },
): Record<string, unknown> {
  const { user, client } = ctx;
  return {
    aud: client.appId,
    iss: v2Issuer(ctx.baseUrl, ctx.tenant.id),
    ...common(ctx),
    ...groupClaims(directory, ctx, client),
    ...(options.email && user.mail ? { email: user.mail } : {}),
    ...identityProviderClaim(user),
    name: user.displayName,
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    oid: user.id,
    preferred_username: user.userPrincipalName,
    ...roleClaims(directory, ctx.tenant, user.id, client),
    sid: ctx.sid,
    sub: pairwiseSubject(ctx.tenant, client.appId, user.id),
    ver: '2.0',
    ...optionalClaims(ctx, client, 'idToken'),
  };
}

export function userAccessTokenClaims(
  directory: Directory,
  ctx: UserTokenContext,
  resource: { app: Application; name: string; permissions: string[]; acrs: string[] },
): { claims: Record<string, unknown>; version: '1.0' | '2.0' } {
  const { user, client, tenant } = ctx;
  const v2 = resource.app.requestedAccessTokenVersion === 2;
  const shared = {
    ...common(ctx),
    ...(resource.acrs.length > 0 ? { acrs: resource.acrs } : {}),
    ...groupClaims(directory, ctx, resource.app),
    ...identityProviderClaim(user),
    name: user.displayName,
    oid: user.id,
    ...roleClaims(directory, tenant, user.id, resource.app),
    ...(resource.permissions.length > 0 ? { scp: resource.permissions.join(' ') } : {}),
    sid: ctx.sid,
    sub: pairwiseSubject(tenant, resource.app.appId, user.id),
    ...optionalClaims(ctx, resource.app, 'accessToken'),
  };
  if (v2) {
    return {
      version: '2.0',
      claims: {
        aud: resource.app.appId,
        iss: v2Issuer(ctx.baseUrl, tenant.id),
        azp: client.appId,
        azpacr: '0',
        preferred_username: user.userPrincipalName,
        ...shared,
        ver: '2.0',
      },
    };
  }
  return {
    version: '1.0',
    claims: {
      aud: resource.name,
      iss: v1Issuer(ctx.baseUrl, tenant.id),
      acr: '1',
      amr: ctx.amr,
      appid: client.appId,
      appidacr: '0',
      ...(user.surname ? { family_name: user.surname } : {}),
      ...(user.givenName ? { given_name: user.givenName } : {}),
      ipaddr: ctx.ip,
      ...shared,
      unique_name: user.userPrincipalName,
      upn: user.userPrincipalName,
      ver: '1.0',
    },
  };
}

export function appAccessTokenClaims(
  directory: Directory,
  ctx: { baseUrl: string; tenant: Tenant; uti: string; iat: number; lifetimeSeconds: number },
  client: { app: Application; sp: ServicePrincipal },
  resource: { app: Application; name: string },
): { claims: Record<string, unknown>; version: '1.0' | '2.0' } {
  const v2 = resource.app.requestedAccessTokenVersion === 2;
  const shared = {
    ...common(ctx),
    idtyp: 'app',
    oid: client.sp.id,
    ...roleClaims(directory, ctx.tenant, client.sp.id, resource.app),
    sub: client.sp.id,
  };
  return v2
    ? {
        version: '2.0',
        claims: {
          aud: resource.app.appId,
          iss: v2Issuer(ctx.baseUrl, ctx.tenant.id),
          azp: client.app.appId,
          azpacr: '1',
          ...shared,
          ver: '2.0',
        },
      }
    : {
        version: '1.0',
        claims: {
          aud: resource.name,
          iss: v1Issuer(ctx.baseUrl, ctx.tenant.id),
          appid: client.app.appId,
          appidacr: '1',
          ...shared,
          ver: '1.0',
        },
      };
}
