/**
 * OpenID discovery documents (v2 and v1) and the JWKS. Tenant documents carry
 * the tenant's GUID; /common and /organizations carry Entra's `{tenantid}`
 * template (reference §1.3, §1.4, §1.5).
 */
import type { EmulatorContext } from './context.js';
import { v1Issuer, v2Issuer } from './tokens.js';

const claimsSupported = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'at_hash',
  'c_hash',
  'email',
];

/** `tenant` is the tenant GUID, or `{tenantid}` for the tenant-independent documents. */
export function v2Discovery(
  ctx: EmulatorContext,
  pathTenant: string,
  tenant: string,
): Record<string, unknown> {
  const base = `${ctx.baseUrl}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: v2Issuer(ctx.baseUrl, tenant),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: claimsSupported,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant === '{tenantid}' ? null : 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(ctx.baseUrl).host,
    rbac_url: 'https://pas.windows.net',
  };
}

export function v1Discovery(
  ctx: EmulatorContext,
  pathTenant: string,
  tenant: string,
): Record<string, unknown> {
  const base = `${ctx.baseUrl}/${pathTenant}`;
  return {
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: v1Issuer(ctx.baseUrl, tenant),
    claims_supported: [
      ...claimsSupported.filter((c) => c !== 'preferred_username'),
      'amr',
      'given_name',
      'family_name',
      'nickname',
    ],
    microsoft_multi_refresh_token: true,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    tenant_region_scope: tenant === '{tenantid}' ? null : 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(ctx.baseUrl).host,
    rbac_url: 'https://pas.windows.net',
  };
}

/** The JWKS; every key carries the templated issuer, as Entra's common keys do. */
export function jwks(ctx: EmulatorContext, version: 1 | 2): Record<string, unknown> {
  return ctx.keys.jwks(
    version === 2 ? v2Issuer(ctx.baseUrl, '{tenantid}') : v1Issuer(ctx.baseUrl, '{tenantid}'),
  );
}

/** /common/discovery/instance: lets MSAL validate the authority without knownAuthorities. */
export function instanceDiscovery(ctx: EmulatorContext): Record<string, unknown> {
  const host = new URL(ctx.baseUrl).host;
  return {
    tenant_discovery_endpoint: `${ctx.baseUrl}/common/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
