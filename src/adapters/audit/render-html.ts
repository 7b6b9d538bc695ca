import type { BufferedOutput } from './buffered-output.js';
import type { TrailWriter } from './trail-writer.js';

/**
 * `-o html`: one self-contained page (no external assets, a Content Security
 * Policy that forbids loading any) with the trail as a table and filters for
 * user, group, namespace, verb, resource, denied-only and a time range. Records
 * are streamed into a JSON-lines data block as they come, so writing the page
 * needs no more memory than any other output; the page's script renders them.
 */
export function htmlWriter(out: BufferedOutput, generatedAt: string): TrailWriter {
  out.write(head(generatedAt));
  return {
    request(record) {
      out.write(`${embed(record)}\n`);
    },
    groupChange(change) {
      out.write(`${embed(change)}\n`);
    },
    elevation(event) {
      out.write(`${embed(event)}\n`);
    },
    end(summary) {
      out.write(`</script>\n<script type="application/json" id="trail-summary">${embed(summary)}</script>\n`);
      out.write(tail);
    },
  };
}

/** JSON that is safe inside a <script> data block: no "<" can close it early. */
function embed(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function head(generatedAt: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kentra audit trail</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f7f8fa; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #d9dde5; padding: 10px 16px; }
h1 { font-size: 17px; margin: 0 0 6px; }
#filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; }
#filters label { display: flex; flex-direction: column; font-size: 11px; color: #586174; }
#filters label.inline { flex-direction: row; gap: 4px; align-items: center; font-size: 13px; color: #1d2330; }
input, select { font: inherit; padding: 3px 6px; border: 1px solid #c3c9d4; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { background: #eef1f6; font-weight: 600; position: sticky; top: 0; }
td small { color: #6b7487; display: block; }
tr.forbid td.result { color: #b3261e; font-weight: 600; }
tr.allow td.result { color: #1e7b34; }
tr.group-change td { background: #eef7fb; color: #0b5c7a; }
tr.elevation td { background: #fff6e5; color: #7a4b00; }
.heuristic { color: #9a6700; }
.exact { color: #1e7b34; }
#count { padding: 8px 16px; color: #586174; }
</style>
</head>
<body>
<header>
<h1>kentra audit trail</h1>
<div id="generated">generated ${generatedAt}</div>
<form id="filters" onsubmit="return false">
<label>User<input id="f-user" type="search" placeholder="upn, oid or username"></label>
<label>Group<input id="f-group" type="search" placeholder="name or object id"></label>
<label>Namespace<select id="f-namespace"><option value="">all</option></select></label>
<label>Verb<select id="f-verb"><option value="">all</option></select></label>
<label>Resource<input id="f-resource" type="search" placeholder="pods or pods/exec"></label>
<label>From<input id="f-since" type="search" placeholder="2026-11-29T04:00:00Z"></label>
<label>To<input id="f-until" type="search" placeholder="2026-11-29T05:00:00Z"></label>
<label class="inline"><input id="f-denied" type="checkbox">denied only</label>
</form>
</header>
<table id="trail">
<thead><tr><th>Time</th><th>Who</th><th>What</th><th>Result</th><th>From where</th><th>Sign-in</th><th>Granted by</th></tr></thead>
<tbody></tbody>
</table>
<div id="count"></div>
<script type="application/x-ndjson" id="trail-data">
`;
}

// The page's own script. Plain DOM, no libraries; text goes in with textContent only.
const tail = `<script>
(function () {
  var limit = 20000;
  var records = document.getElementById('trail-data').textContent.split('\\n').filter(Boolean).map(function (line) { return JSON.parse(line); });
  var summary = JSON.parse(document.getElementById('trail-summary').textContent);
  var body = document.querySelector('#trail tbody');
  var $ = function (id) { return document.getElementById(id); };
  function fill(select, values) {
    values.sort().forEach(function (value) { var o = document.createElement('option'); o.value = value; o.textContent = value; select.appendChild(o); });
  }
  var namespaces = {}, verbs = {};
  records.forEach(function (r) { if (r.kind === 'request') { if (r.what.namespace) namespaces[r.what.namespace] = 1; if (r.what.verb) verbs[r.what.verb] = 1; } });
  fill($('f-namespace'), Object.keys(namespaces));
  fill($('f-verb'), Object.keys(verbs));
  function lower(v) { return (v || '').toLowerCase(); }
  function has(values, wanted) { return values.some(function (v) { return v && lower(v).indexOf(wanted) >= 0; }); }
  function cell(tr, text, detail, cls) {
    var td = document.createElement('td'); td.textContent = text || '';
    if (detail) { var s = document.createElement('small'); s.textContent = detail; td.appendChild(s); }
    if (cls) td.className = cls; tr.appendChild(td); return td;
  }
  function matches(r, f) {
    var t = Date.parse(r.time);
    if (f.since && !(t >= f.since)) return false;
    if (f.until && !(t <= f.until)) return false;
    if (r.kind === 'elevation') {
      if (f.namespace || f.verb || f.resource || f.denied) return false;
      if (f.user && !has([r.member.upn, r.member.id, r.member.displayName, r.by.upn, r.by.id], f.user)) return false;
      if (f.group && !has([r.group.displayName, r.group.id], f.group)) return false;
      return true;
    }
    if (r.kind === 'group-change') {
      if (f.namespace || f.verb || f.resource || f.denied) return false;
      if (f.user && !has([r.member.upn, r.member.id, r.member.displayName, r.by.upn, r.by.id], f.user)) return false;
      if (f.group && !has([r.group.displayName, r.group.id], f.group)) return false;
      return true;
    }
    var w = r.what;
    if (f.denied && w.decision !== 'forbid') return false;
    if (f.namespace && w.namespace !== f.namespace) return false;
    if (f.verb && w.verb !== f.verb) return false;
    if (f.resource) { var res = w.subresource ? w.resource + '/' + w.subresource : w.resource; if (lower(res).indexOf(f.resource) !== 0) return false; }
    if (f.user && !has([r.who.username, r.who.upn, r.who.oid, r.who.displayName], f.user)) return false;
    if (f.group) { var g = w.grantedBy || {}; if (!has(r.who.groups.concat([g.subject, g.groupName]), f.group)) return false; }
    return true;
  }
  function row(r) {
    var tr = document.createElement('tr');
    if (r.kind === 'elevation') {
      tr.className = 'elevation';
      cell(tr, r.time.replace('T', ' ').slice(0, 19));
      cell(tr, r.summary).colSpan = 6;
      return tr;
    }
    if (r.kind === 'group-change') {
      tr.className = 'group-change';
      cell(tr, r.time.replace('T', ' ').slice(0, 19));
      var who = r.member.upn || r.member.displayName || r.member.id;
      var td = cell(tr, who + (r.action === 'added' ? ' added to ' : ' removed from ') + (r.group.displayName || r.group.id) + ' by ' + (r.by.upn || r.by.displayName || r.by.app || r.by.id || 'unknown'));
      td.colSpan = 6; return tr;
    }
    var w = r.what, j = r.join;
    tr.className = w.decision;
    cell(tr, r.time.replace('T', ' ').slice(0, 19), r.stage);
    cell(tr, r.who.upn || r.who.username, [r.who.displayName, r.who.userType, r.who.impersonatedBy ? 'impersonated by ' + r.who.impersonatedBy : ''].filter(Boolean).join(' · '));
    var res = [w.namespace, w.subresource ? w.resource + '/' + w.subresource : w.resource, w.name].filter(Boolean).join('/');
    cell(tr, w.verb + ' ' + (res || w.requestUri || ''), w.requestUri);
    cell(tr, (w.decision === 'forbid' ? 'denied ' : w.decision === 'allow' ? 'allowed ' : '') + (w.responseCode || ''), '', 'result');
    var f = r.from;
    cell(tr, f.signInIp || f.sourceIp, [f.signInIp && f.sourceIp !== f.signInIp ? 'API server saw ' + f.sourceIp : '', f.location, f.device, f.clientApp, f.mfa === true ? 'MFA' : f.mfa === false ? 'single factor' : '', f.conditionalAccess ? 'CA ' + f.conditionalAccess : ''].filter(Boolean).join(' · '));
    var s = r.signIn;
    cell(tr, j.method === 'none' ? '—' : j.method === 'heuristic' ? 'heuristic ' + j.confidence.toFixed(2) : 'exact (' + j.method + ')', [s ? s.time : '', s ? s.uniqueTokenIdentifier : '', j.note].filter(Boolean).join(' · '), j.method === 'heuristic' ? 'heuristic' : j.method === 'none' ? '' : 'exact');
    var g = w.grantedBy;
    var e = w.elevation;
    cell(tr, g ? (g.groupName || g.subject) + (e ? ' (elevated)' : '') : '', g ? [g.bindingKind + ' ' + g.binding + ' → ' + g.roleKind + ' ' + g.role, e ? 'PIM since ' + e.since + (e.justification ? ': ' + e.justification : '') + (e.approvedBy ? ', approved by ' + e.approvedBy : '') : ''].filter(Boolean).join(' · ') : '');
    return tr;
  }
  function render() {
    var f = {
      user: lower($('f-user').value.trim()), group: lower($('f-group').value.trim()),
      namespace: $('f-namespace').value, verb: $('f-verb').value, resource: lower($('f-resource').value.trim()),
      denied: $('f-denied').checked,
      since: Date.parse($('f-since').value) || 0, until: Date.parse($('f-until').value) || 0
    };
    body.textContent = '';
    var shown = 0, matched = 0, fragment = document.createDocumentFragment();
    records.forEach(function (r) { if (!matches(r, f)) return; matched++; if (shown < limit) { fragment.appendChild(row(r)); shown++; } });
    body.appendChild(fragment);
    $('count').textContent = matched + ' of ' + records.length + ' records' + (shown < matched ? ' (first ' + shown + ' shown)' : '') +
      ' · ' + summary.skipped + ' corrupt lines skipped';
  }
  document.getElementById('filters').addEventListener('input', render);
  render();
})();
</script>
</body>
</html>
`;
