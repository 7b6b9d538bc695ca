/**
 * The device authorization grant: POST /{tenant}/oauth2/v2.0/devicecode hands
 * out a device code and a 9-character user code; /devicelogin is the page
 * where the user types the code and then signs in (reference §1.8).
 */
import type { EmulatorContext } from './context.js';
import { StsFailure } from './errors.js';
import { deviceCodeLifetimeSeconds } from './grants.js';
import { type Exchange, formOf, sendHtml, sendJson } from './http.js';
import { renderFlow } from './login.js';
import { resolveScopes } from './scopes.js';
import { deviceCodePage } from './signin-page.js';
import { findClient, type TenantScope } from './tenants.js';

export const deviceLoginPath = '/devicelogin';
const pollIntervalSeconds = 5;

export async function handleDeviceCode(
  ctx: EmulatorContext,
  ex: Exchange,
  scope: TenantScope,
): Promise<void> {
  const form = await formOf(ex);
  const client = findClient(ctx.directory, scope, form.get('client_id'));
  const tenant =
    scope.tenant ?? ctx.directory.tenants.find((t) => ctx.directory.application(t, client.appId));
  if (!tenant) throw new StsFailure(700016, client.appId);
  const scopeText = form.get('scope');
  resolveScopes(ctx.directory, tenant, scopeText, { appOnly: false });
  const grant = ctx.grants.issueDeviceCode(
    tenant.id,
    client.appId,
    scopeText ?? '',
    form.get('claims') ?? undefined,
  );
  const verificationUri = `${ctx.baseUrl}${deviceLoginPath}`;
  sendJson(ex.res, 200, {
    user_code: grant.userCode,
    device_code: grant.deviceCode,
    verification_uri: verificationUri,
    expires_in: deviceCodeLifetimeSeconds,
    interval: pollIntervalSeconds,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
  });
}

/** GET shows the code form; POST checks the code and starts the sign-in page flow. */
export async function handleDeviceLogin(ctx: EmulatorContext, ex: Exchange): Promise<void> {
  if (ex.method !== 'POST') return sendHtml(ex.res, 200, deviceCodePage(deviceLoginPath));
  const form = await formOf(ex);
  const grant = ctx.grants.deviceByCode(form.get('otc') ?? '');
  if (grant?.state !== 'pending') {
    return sendHtml(ex.res, 400, deviceCodePage(deviceLoginPath, new StsFailure(70018).aadsts));
  }
  const flow = ctx.grants.startFlow({
    purpose: { kind: 'device', userCode: grant.userCode },
    tenantId: grant.tenantId,
    stage: 'username',
    signInName: undefined,
  });
  renderFlow(ex, flow);
}
