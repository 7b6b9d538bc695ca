/**
 * The portal's pages: server-rendered HTML with no script at all (the CSP
 * allows none), every value escaped, one stylesheet. Built for keyboard and
 * screen-reader use: a skip link, landmarks, one h1 and ordered headings,
 * labelled form fields, a live status region for results, visible focus.
 */

import type { ClusterGrant } from '../domain/pim/grant-preview.js';
import { describeDuration, parseIsoDuration } from '../domain/pim/iso-duration.js';
import type { ActivationPolicy, ElevationRequest, GroupName, Membership } from '../domain/pim/model.js';
import type { ScopeCapabilities } from '../domain/rbac/capabilities.js';
import type { Flash, PortalUser } from './sessions.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tagged template: interpolated strings are escaped; arrays are joined; Html is inserted as it is. */
class Html {
  constructor(readonly text: string) {}
}

function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

function layout(title: string, body: Html, header?: Html): string {
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kentra</title>
<link rel="stylesheet" href="/static/portal.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">kentra <span>access portal</span></p>
${header ?? ''}
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>
`.text
  }`;
}

export function signedOutPage(message?: string): string {
  return layout(
    'Sign in',
    html`<h1>Kubernetes access</h1>
<p>See what you can do on each cluster, download a kubeconfig, and elevate into groups you are eligible for.</p>
${message ? html`<p class="notice" role="alert">${message}</p>` : ''}
<p><a class="button" href="/login">Sign in with Microsoft Entra ID</a></p>`,
  );
}

export function errorPage(title: string, message: string, status: number): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<p role="alert">${message}</p>
<p><a href="/">Back to the portal</a> (HTTP ${status})</p>`,
  );
}

export interface ClusterView {
  name: string;
  /** What the user can do, or why it is unknown. */
  can?: ScopeCapabilities[];
  error?: string;
  /** A kubeconfig can be downloaded (the access file gives the server). */
  kubeconfig: boolean;
}

export interface OptionView {
  group: GroupName;
  policy?: ActivationPolicy;
  pending?: ElevationRequest;
  grants: ClusterGrant[];
}

export interface DashboardModel {
  user: PortalUser;
  csrf: string;
  groups: GroupName[];
  clusters: ClusterView[];
  active: Membership[];
  pending: ElevationRequest[];
  options: OptionView[];
  flash?: Flash;
  /** Problems reading parts of the page (shown, not fatal). */
  notes: string[];
  now: number;
}

const durations = [30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000];

function when(iso: string | null | undefined, now: number): Html {
  if (!iso) return html`no end`;
  const ms = Date.parse(iso) - now;
  const shown = `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}">${shown}</time> (${ms > 0 ? `in ${describeDuration(ms)}` : 'ended'})`;
}

function groupName(group: GroupName): string {
  return group.displayName ?? group.id;
}

function capabilityList(scopes: ScopeCapabilities[]): Html {
  return html`<ul class="scopes">${scopes.map(
    (scope) =>
      html`<li><span class="scope">${scope.namespace === '' ? 'cluster-wide' : `namespace ${scope.namespace}`}:</span> ${
        scope.can.length > 0 ? scope.can.join(', ') : 'nothing of note'
      }</li>`,
  )}</ul>`;
}

function clustersSection(model: DashboardModel): Html {
  return html`<section aria-labelledby="clusters-heading">
<h2 id="clusters-heading">What you can do on each cluster</h2>
<table>
<caption>From each cluster's RBAC, evaluated for your groups</caption>
<thead><tr><th scope="col">Cluster</th><th scope="col">You can</th><th scope="col">kubeconfig</th></tr></thead>
<tbody>
${model.clusters.map(
  (cluster) => html`<tr>
<th scope="row">${cluster.name}</th>
<td>${cluster.can ? capabilityList(cluster.can) : html`<span class="muted">${cluster.error ?? 'unknown'}</span>`}</td>
<td>${
    cluster.kubeconfig
      ? html`<a href="/kubeconfig/${encodeURIComponent(cluster.name)}" download>Download<span class="visually-hidden"> kubeconfig for ${cluster.name}</span></a>`
      : html`<span class="muted">no server in the access file</span>`
  }</td>
</tr>`,
)}
</tbody>
</table>
</section>`;
}

function elevationsSection(model: DashboardModel): Html {
  return html`<section aria-labelledby="active-heading">
<h2 id="active-heading">Your elevations</h2>
${
  model.active.length === 0 && model.pending.length === 0
    ? html`<p>No active elevation.</p>`
    : html`<ul class="elevations">${model.active.map(
        (m) => html`<li><strong>${groupName(m.group)}</strong>: active until ${when(m.end, model.now)}</li>`,
      )}${model.pending.map(
        (r) =>
          html`<li><strong>${groupName(r.group)}</strong>: ${r.status === 'PendingApproval' ? 'waiting for an approver' : r.status} (requested ${when(r.createdDateTime, model.now)})</li>`,
      )}</ul>`
}
</section>`;
}

function activationForm(option: OptionView, csrf: string, index: number): Html {
  const policy = option.policy;
  const maximum = policy?.maximumDuration ? parseIsoDuration(policy.maximumDuration) : undefined;
  const allowed = durations.filter((ms) => maximum === undefined || ms <= maximum);
  const choices = allowed.length > 0 ? allowed : [maximum ?? 3_600_000];
  const id = `elevate-${index}`;
  const needs = [
    policy?.approval ? 'an approver' : '',
    policy?.mfa ? 'multi-factor sign-in' : '',
    policy?.authenticationContext ? 'a stronger sign-in (authentication context)' : '',
  ].filter(Boolean);
  const grants = option.grants.flatMap((cluster) =>
    cluster.grants.map(
      (grant) =>
        `${cluster.cluster}: ${grant.scope}: ${grant.roleKnown ? grant.can.join(', ') || 'none of the common actions' : `${grant.role} (defined on the cluster)`}`,
    ),
  );
  return html`<form method="post" action="/elevate" class="card" aria-labelledby="${id}-title">
<h3 id="${id}-title">${groupName(option.group)}</h3>
${grants.length > 0 ? html`<ul class="grants">${grants.map((line) => html`<li>${line}</li>`)}</ul>` : ''}
${needs.length > 0 ? html`<p class="muted">Needs ${needs.join(' and ')}.</p>` : ''}
${
  option.pending
    ? html`<p>Requested, waiting for an approver.</p>`
    : html`<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="group" value="${option.group.id}">
<div class="field">
<label for="${id}-duration">Duration</label>
<select id="${id}-duration" name="duration">${choices.map(
        (ms) => html`<option value="${String(ms / 60_000)}">${describeDuration(ms)}</option>`,
      )}</select>
</div>
<div class="field">
<label for="${id}-reason">Reason${policy?.justification ? ' (required)' : ''}</label>
<input id="${id}-reason" name="reason" type="text" maxlength="500" autocomplete="off"${new Html(policy?.justification ? ' required' : '')}>
</div>
${
  policy?.ticket
    ? html`<div class="field"><label for="${id}-ticket">Ticket number (required)</label>
<input id="${id}-ticket" name="ticket" type="text" maxlength="100" autocomplete="off" required></div>`
    : ''
}
<button type="submit">Activate ${groupName(option.group)}</button>`
}
</form>`;
}

export function dashboardPage(model: DashboardModel): string {
  const header = html`<nav aria-label="Account">
<span>Signed in as ${model.user.upn}</span>
<form method="post" action="/logout" class="inline">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit" class="link">Sign out</button>
</form>
</nav>`;
  const flash = model.flash;
  return layout(
    'Your access',
    html`<h1>Your Kubernetes access</h1>
<div role="status" aria-live="polite" class="${flash ? `flash ${flash.kind}` : 'flash-empty'}">${
      flash
        ? html`<p>${flash.text}</p>${flash.action ? html`<p><a href="${flash.action.href}">${flash.action.label}</a></p>` : ''}`
        : ''
    }</div>
${model.notes.map((note) => html`<p class="notice">${note}</p>`)}
<section aria-labelledby="who-heading">
<h2 id="who-heading">Who you are</h2>
<dl class="facts">
<dt>Name</dt><dd>${model.user.name}</dd>
<dt>Account</dt><dd>${model.user.upn}</dd>
<dt>Object ID</dt><dd><code>${model.user.oid}</code></dd>
<dt>Groups</dt><dd>${
      model.groups.length > 0
        ? html`<ul class="groups">${model.groups.map((g) => html`<li>${groupName(g)}</li>`)}</ul>`
        : 'none'
    }</dd>
</dl>
</section>
${clustersSection(model)}
${elevationsSection(model)}
<section aria-labelledby="elevate-heading">
<h2 id="elevate-heading">Elevate</h2>
${
  model.options.length > 0
    ? html`<p>Groups you are eligible for in Privileged Identity Management, with what each grants.</p>
<div class="cards">${model.options.map((option, i) => activationForm(option, model.csrf, i))}</div>`
    : html`<p>You are eligible for no group that the access rules name.</p>`
}
</section>`,
    header,
  );
}
