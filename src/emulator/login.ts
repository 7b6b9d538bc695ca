/**
 * The sign-in page's state machine, shared by /authorize and the device-code
 * page: user name -> password -> (second factor when Conditional Access asks)
 * -> done. "Done" issues an authorization code or approves the device code;
 * Entra's refusals (50057 disabled, 50105 not assigned, 53003 blocked) end the
 * flow with the AADSTS code, and every outcome is in the sign-in log.
 */

import { deliverCode, deliverError } from './authorize-response.js';
import { requestedAuthContexts } from './conditional-access.js';
import type { EmulatorContext } from './context.js';
import { StsFailure } from './errors.js';
import type { Authentication, LoginFlow } from './grants.js';
import { type Exchange, formOf, sendHtml } from './http.js';
import { newGuid } from './ids.js';
import { admitUser, failedSignIn } from './issuance.js';
import type { Tenant, User } from './model.js';
import { resolveScopes } from './scopes.js';
import { deviceDonePage, errorPage, mfaPage, passwordPage, usernamePage } from './signin-page.js';

export const sessionCookie = 'ESTSAUTH';

function loginAction(flow: LoginFlow): string {
  const segment =
    flow.purpose.kind === 'authorize' ? flow.purpose.request.tenantSegment : (flow.tenantId ?? 'common');
  return `/${segment}/login`;
}

/** Renders the page for the flow's current stage. */
export function renderFlow(ex: Exchange, flow: LoginFlow, error?: string): void {
  const form = { action: loginAction(flow), flowId: flow.id, error };
  const name = flow.signInName ?? '';
  const html =
    flow.stage === 'username'
      ? usernamePage({ ...form, prefill: name })
      : flow.stage === 'password'
        ? passwordPage({ ...form, signInName: name })
        : mfaPage({ ...form, signInName: name });
  sendHtml(ex.res, error ? 400 : 200, html);
}

/** POST /{tenant}/login: one step of the sign-in page. */
export async function handleLoginPost(ctx: EmulatorContext, ex: Exchange): Promise<void> {
  const form = await formOf(ex);
  const flow = ctx.grants.flow(form.get('ctx'));
  if (!flow) {
    sendHtml(
      ex.res,
      400,
      errorPage('AADSTS90014: The sign-in session expired or is unknown. Start the sign-in again.'),
    );
    return;
  }
  if (
    flow.stage === 'username' ||
    (flow.stage === 'password' && form.get('loginfmt') && !form.get('passwd'))
  ) {
    const name = form.get('loginfmt')?.trim() ?? '';
    if (!name) return renderFlow(ex, flow, 'Enter a valid email address, phone number, or Skype name.');
    flow.signInName = name;
    flow.stage = 'password';
    if (!form.get('passwd')) return renderFlow(ex, flow);
  }
  if (flow.stage === 'password') {
    const tenantHint = flow.tenantId ? ctx.directory.tenant(flow.tenantId) : undefined;
    const found = ctx.directory.findUser(flow.signInName ?? '', tenantHint);
    if (!found || found.user.password !== form.get('passwd')) {
      if (found) logWrongPassword(ctx, ex, flow, found.tenant, found.user);
      return renderFlow(
        ex,
        flow,
        "Your account or password is incorrect. If you don't remember your password, reset it now.",
      );
    }
    return finishAuthentication(ctx, ex, flow, found.tenant, found.user, ['pwd']);
  }
  // Second factor.
  const tenant = flow.userTenantId ? ctx.directory.tenant(flow.userTenantId) : undefined;
  const user = tenant && flow.userId ? tenant.users.get(flow.userId) : undefined;
  if (!tenant || !user) return renderFlow(ex, { ...flow, stage: 'username' }, 'Start the sign-in again.');
  if ((form.get('otc') ?? '').trim() !== user.mfaCode) {
    return renderFlow(ex, flow, `${new StsFailure(50181).aadsts}`);
  }
  return finishAuthentication(ctx, ex, flow, tenant, user, ['pwd', 'mfa']);
}

function logWrongPassword(
  ctx: EmulatorContext,
  ex: Exchange,
  flow: LoginFlow,
  tenant: Tenant,
  user: User,
): void {
  const clientId =
    flow.purpose.kind === 'authorize'
      ? flow.purpose.request.clientId
      : ctx.grants.deviceByCode(flow.purpose.userCode)?.clientId;
  const client = clientId ? ctx.directory.application(tenant, clientId) : undefined;
  if (!client) return;
  failedSignIn(
    ctx,
    {
      tenant,
      user,
      client,
      resource: undefined,
      eventType: 'interactiveUser',
      protocol: flow.purpose.kind === 'device' ? 'deviceCode' : 'oAuth2',
      meta: { ip: ex.ip, userAgent: ex.userAgent, correlationId: undefined },
    },
    new StsFailure(50126),
  );
}

function fail(ctx: EmulatorContext, ex: Exchange, flow: LoginFlow, failure: StsFailure) {
  ctx.grants.endFlow(flow.id);
  if (flow.purpose.kind === 'authorize') return deliverError(ctx, ex, flow.purpose.request, failure);
  const grant = ctx.grants.deviceByCode(flow.purpose.userCode);
  if (grant) {
    grant.state = 'failed';
    grant.failure = failure.code;
  }
  sendHtml(ex.res, 400, errorPage(failure.aadsts));
}

/**
 * The user is authenticated (password, maybe MFA, or an SSO session): run Entra's admission
 * checks for the client and resource, ask for a second factor when Conditional Access
 * demands it, then issue the code or approve the device.
 */
export function finishAuthentication(
  ctx: EmulatorContext,
  ex: Exchange,
  flow: LoginFlow,
  tenant: Tenant,
  user: User,
  amr: string[],
  existingSid?: string,
) {
  const purpose = flow.purpose;
  const device = purpose.kind === 'device' ? ctx.grants.deviceByCode(purpose.userCode) : undefined;
  if (purpose.kind === 'device' && !device) return fail(ctx, ex, flow, new StsFailure(70019));
  const clientId = purpose.kind === 'authorize' ? purpose.request.clientId : (device?.clientId ?? '');
  const scope = purpose.kind === 'authorize' ? purpose.request.scope : (device?.scope ?? '');
  const claims = purpose.kind === 'authorize' ? purpose.request.claims : device?.claims;
  const client = ctx.directory.application(tenant, clientId);
  if (!client) return fail(ctx, ex, flow, new StsFailure(700016, clientId));
  let outcome: ReturnType<typeof admitUser>;
  try {
    const scopes = resolveScopes(ctx.directory, tenant, scope, { appOnly: false });
    outcome = admitUser(
      ctx,
      {
        tenant,
        user,
        client,
        resource: scopes.resource,
        eventType: 'interactiveUser',
        protocol: purpose.kind === 'device' ? 'deviceCode' : 'oAuth2',
        meta: {
          ip: ex.ip,
          userAgent: ex.userAgent,
          correlationId: purpose.kind === 'authorize' ? purpose.request.correlationId : undefined,
        },
      },
      { requestedAcrs: requestedAuthContexts(claims), mfaDone: amr.includes('mfa') },
    );
  } catch (error) {
    if (error instanceof StsFailure) return fail(ctx, ex, flow, error);
    throw error;
  }
  // The client may ask for a second factor itself (amr_values), e.g. to satisfy PIM's MFA-on-activation rule.
  const mfaAsked =
    purpose.kind === 'authorize' &&
    purpose.request.amrValues.some((value) => value === 'mfa' || value === 'ngcmfa') &&
    !amr.includes('mfa');
  if (outcome.mfaRequired || mfaAsked) {
    // A silent request cannot show the second-factor page.
    if (purpose.kind === 'authorize' && purpose.request.prompt?.toLowerCase() === 'none') {
      return fail(ctx, ex, flow, new StsFailure(50076, client.displayName));
    }
    flow.stage = 'mfa';
    flow.userId = user.id;
    flow.userTenantId = tenant.id;
    flow.signInName ??= user.userPrincipalName;
    return renderFlow(ex, flow);
  }
  const auth: Authentication = {
    tenantId: tenant.id,
    userId: user.id,
    sid: existingSid ?? newGuid(),
    authTime: Math.floor(ctx.now() / 1000),
    amr,
  };
  ctx.grants.startSession(auth);
  ctx.grants.endFlow(flow.id);
  const cookie = `${sessionCookie}=${auth.sid}; Path=/; Secure; HttpOnly; SameSite=None`;
  if (purpose.kind === 'authorize') {
    const code = ctx.grants.issueCode(purpose.request, auth, outcome.satisfiedAcrs);
    return deliverCode(ex, purpose.request, { code, tenantId: tenant.id, userId: user.id, sid: auth.sid }, [
      cookie,
    ]);
  }
  if (device) {
    device.state = 'approved';
    device.auth = auth;
    device.acrs = outcome.satisfiedAcrs;
  }
  sendHtml(ex.res, 200, deviceDonePage(client.displayName), { 'set-cookie': [cookie] });
}
