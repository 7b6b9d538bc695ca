/**
 * The sign-in pages' HTML. Field names and element IDs are Entra's own, so
 * browser automation written for login.microsoftonline.com works unchanged:
 * `loginfmt` (#i0116) then #idSIButton9 "Next"; `passwd` (#i0118) then
 * #idSIButton9 "Sign in"; the verification code `otc` (#idTxtBx_SAOTCC_OTC)
 * then #idSubmit_SAOTCC_Continue; the device code page's `otc` then #idSIButton9.
 */
import { escapeHtml } from './http.js';

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:60px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}input[type=email],input[type=password],input[type=text]{width:100%;font-size:15px;padding:6px 0;border:0;border-bottom:1px solid #666;margin:8px 0 16px}
input[type=submit]{background:#0067b8;color:#fff;border:0;padding:8px 24px;font-size:15px;float:right}
.error{color:#e81123;margin:8px 0}.banner{font-size:12px;color:#666;margin-bottom:20px}.who{margin-bottom:12px}
</style></head>
<body><main><div class="banner">kentra emulator — a local stand-in for Microsoft Entra ID</div>
${body}
</main></body></html>`;
}

function errorLine(error: string | undefined): string {
  return error ? `<div id="usernameError" class="error" role="alert">${escapeHtml(error)}</div>` : '';
}

export interface PageForm {
  action: string;
  flowId: string;
  error?: string;
}

export function usernamePage(form: PageForm & { prefill?: string }): string {
  return layout(
    'Sign in to your account',
    `<h1 id="loginHeader">Sign in</h1>
<form name="f1" id="i0281" method="post" action="${escapeHtml(form.action)}">
<input type="hidden" name="ctx" value="${escapeHtml(form.flowId)}">
${errorLine(form.error)}
<input type="email" name="loginfmt" id="i0116" autocomplete="username" placeholder="Email, phone, or Skype" value="${escapeHtml(form.prefill ?? '')}" aria-label="Enter your email, phone, or Skype.">
<input type="submit" id="idSIButton9" value="Next">
</form>`,
  );
}

export function passwordPage(form: PageForm & { signInName: string }): string {
  return layout(
    'Sign in to your account',
    `<div class="who" id="displayName">${escapeHtml(form.signInName)}</div>
<h1 id="loginHeader">Enter password</h1>
<form name="f1" id="i0281" method="post" action="${escapeHtml(form.action)}">
<input type="hidden" name="ctx" value="${escapeHtml(form.flowId)}">
<input type="hidden" name="loginfmt" value="${escapeHtml(form.signInName)}">
${errorLine(form.error)}
<input type="password" name="passwd" id="i0118" autocomplete="current-password" placeholder="Password" aria-label="Enter the password for ${escapeHtml(form.signInName)}">
<input type="submit" id="idSIButton9" value="Sign in">
</form>`,
  );
}

export function mfaPage(form: PageForm & { signInName: string }): string {
  return layout(
    'Enter code',
    `<div class="who" id="displayName">${escapeHtml(form.signInName)}</div>
<h1 id="idDiv_SAOTCC_Title">Enter code</h1>
<p id="idDiv_SAOTCC_Description">Your organization requires a second factor. Enter the code from your authenticator app.</p>
<form name="f1" method="post" action="${escapeHtml(form.action)}">
<input type="hidden" name="ctx" value="${escapeHtml(form.flowId)}">
${errorLine(form.error)}
<input type="text" name="otc" id="idTxtBx_SAOTCC_OTC" inputmode="numeric" autocomplete="one-time-code" placeholder="Code">
<input type="submit" id="idSubmit_SAOTCC_Continue" value="Verify">
</form>`,
  );
}

export function deviceCodePage(action: string, error?: string): string {
  return layout(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
<form name="f1" method="post" action="${escapeHtml(action)}">
${errorLine(error)}
<input type="text" name="otc" id="otc" autocomplete="off" placeholder="Code" aria-label="Code">
<input type="submit" id="idSIButton9" value="Next">
</form>`,
  );
}

export function deviceDonePage(appName: string): string {
  return layout(
    'Signed in',
    `<h1>${escapeHtml(appName)}</h1>
<p id="message">You have signed in to the ${escapeHtml(appName)} application on your device. You may now close this window.</p>`,
  );
}

/** An error the user sees (Entra shows the AADSTS code on the page). */
export function errorPage(aadsts: string): string {
  return layout(
    'Sign in error',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<div id="errorText" class="error" role="alert">${escapeHtml(aadsts)}</div>`,
  );
}

/** response_mode=form_post: the browser posts the result to the redirect URI at once. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html><head><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form></body></html>`;
}
