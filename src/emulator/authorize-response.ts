/**
 * Delivering the result of /authorize to the client's redirect URI in the
 * requested response mode: query (302), fragment (302) or form_post (an
 * auto-submitting form; msal-node 7's loopback listener accepts only this).
 */
import type { EmulatorContext } from './context.js';
import { type StsFailure, stsTimestamp } from './errors.js';
import type { AuthorizeRequest } from './grants.js';
import { type Exchange, redirect, sendHtml } from './http.js';
import { formPostPage } from './signin-page.js';

function deliver(
  ex: Exchange,
  request: AuthorizeRequest,
  fields: Record<string, string>,
  cookies: string[] = [],
): void {
  const all = { ...fields, ...(request.state !== undefined ? { state: request.state } : {}) };
  const headers: Record<string, string[]> = cookies.length > 0 ? { 'set-cookie': cookies } : {};
  if (request.responseMode === 'form_post') {
    sendHtml(ex.res, 200, formPostPage(request.redirectUri, all), headers);
    return;
  }
  const url = new URL(request.redirectUri);
  const params = new URLSearchParams(all);
  if (request.responseMode === 'fragment') url.hash = params.toString();
  else for (const [key, value] of params) url.searchParams.append(key, value);
  redirect(ex.res, url.toString(), headers);
}

export function deliverCode(
  ex: Exchange,
  request: AuthorizeRequest,
  result: { code: string; tenantId: string; userId: string; sid: string },
  cookies: string[],
): void {
  deliver(
    ex,
    request,
    {
      code: result.code,
      ...(request.clientInfo
        ? {
            client_info: Buffer.from(JSON.stringify({ uid: result.userId, utid: result.tenantId })).toString(
              'base64url',
            ),
          }
        : {}),
      // Unverified: real redirects are reported to include session_state (reference §1.6).
      session_state: result.sid,
    },
    cookies,
  );
}

export function deliverError(
  ctx: EmulatorContext,
  ex: Exchange,
  request: AuthorizeRequest,
  failure: StsFailure,
): void {
  deliver(ex, request, {
    error: failure.error,
    error_description: failure.aadsts,
    error_uri: `${ctx.baseUrl}/error?code=${failure.code}`,
    error_codes: String(failure.code),
    timestamp: stsTimestamp(ctx.now()),
  });
}
