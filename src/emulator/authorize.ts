/**
 * GET|POST /{tenant}/oauth2/v2.0/authorize: validates the request the way
 * Entra does (problems with the client or redirect URI are shown on the page,
 * everything else goes back to the redirect URI), then signs the user in:
 * silently from the SSO session, or through the sign-in page.
 */
import { deliverError } from './authorize-response.js';
import type { EmulatorContext } from './context.js';
import { StsFailure } from './errors.js';
import type { AuthorizeRequest } from './grants.js';
import { type Exchange, formOf, sendHtml } from './http.js';
import { finishAuthentication, renderFlow, sessionCookie } from './login.js';
import { redirectUriAllowed } from './redirect-uris.js';
import { resolveScopes } from './scopes.js';
import { errorPage } from './signin-page.js';
import { findClient, type TenantScope } from './tenants.js';

export async function handleAuthorize(ctx: EmulatorContext, ex: Exchange, scope: TenantScope): Promise<void> {
  const params = ex.method === 'POST' ? await formOf(ex) : ex.url.searchParams;
  let request: AuthorizeRequest;
  try {
    const client = findClient(ctx.directory, scope, params.get('client_id'));
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) throw new StsFailure(900144, 'redirect_uri');
    if (!redirectUriAllowed(client, redirectUri)) throw new StsFailure(50011, redirectUri);
    const mode = params.get('response_mode') ?? 'query';
    request = {
      tenantSegment: scope.segment,
      tenantId: scope.tenant?.id ?? '',
      clientId: client.appId,
      redirectUri,
      responseMode: mode === 'form_post' || mode === 'fragment' ? mode : 'query',
      // v1 clients name the resource instead of scopes.
      scope:
        params.get('scope') ?? (params.get('resource') ? `${params.get('resource')}/.default openid` : ''),
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: params.get('code_challenge') ?? undefined,
      codeChallengeMethod: undefined,
      loginHint: params.get('login_hint') ?? undefined,
      prompt: params.get('prompt') ?? undefined,
      claims: params.get('claims') ?? undefined,
      amrValues: (params.get('amr_values') ?? '').split(/\s+/).filter(Boolean),
      clientInfo: params.get('client_info') === '1',
      correlationId: params.get('client-request-id') ?? undefined,
    };
  } catch (error) {
    if (error instanceof StsFailure) return sendHtml(ex.res, 400, errorPage(error.aadsts));
    throw error;
  }
  try {
    validate(ctx, request, params, scope);
  } catch (error) {
    if (error instanceof StsFailure) return deliverError(ctx, ex, request, error);
    throw error;
  }
  const prompt = request.prompt?.toLowerCase();
  const session = ctx.grants.session(ex.cookies.get(sessionCookie));
  const sessionTenant = session ? ctx.directory.tenant(session.tenantId) : undefined;
  const sessionUser = session && sessionTenant ? sessionTenant.users.get(session.userId) : undefined;
  const sessionUsable =
    session &&
    sessionTenant &&
    sessionUser &&
    (!scope.tenant || scope.tenant.id === sessionTenant.id) &&
    session.authTime * 1000 >= sessionUser.signInSessionsValidFrom &&
    prompt !== 'login' &&
    prompt !== 'select_account';
  const flow = ctx.grants.startFlow({
    purpose: { kind: 'authorize', request },
    tenantId: scope.tenant?.id,
    stage: request.loginHint ? 'password' : 'username',
    signInName: request.loginHint,
  });
  if (sessionUsable && session && sessionTenant && sessionUser) {
    return finishAuthentication(ctx, ex, flow, sessionTenant, sessionUser, session.amr, session.sid);
  }
  if (prompt === 'none') {
    ctx.grants.endFlow(flow.id);
    return deliverError(ctx, ex, request, new StsFailure(50058));
  }
  renderFlow(ex, flow);
}

function validate(
  ctx: EmulatorContext,
  request: AuthorizeRequest,
  params: URLSearchParams,
  scope: TenantScope,
): void {
  const responseType = params.get('response_type');
  if (!responseType) throw new StsFailure(900144, 'response_type');
  if (responseType !== 'code') throw new StsFailure(700054, responseType);
  if (!request.scope) throw new StsFailure(900144, 'scope');
  if (scope.tenant) resolveScopes(ctx.directory, scope.tenant, request.scope, { appOnly: false });
  const method = params.get('code_challenge_method');
  if (method !== null && method !== 'S256' && method !== 'plain') {
    throw new StsFailure(9002313, `code_challenge_method must be S256 or plain, not '${method}'.`);
  }
  if (method !== null && !request.codeChallenge) throw new StsFailure(900144, 'code_challenge');
  // No method with a challenge means plain (RFC 7636 §4.3).
  request.codeChallengeMethod = request.codeChallenge
    ? ((method as 'S256' | 'plain' | null) ?? 'plain')
    : undefined;
}
