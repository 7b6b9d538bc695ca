/**
 * The access matrix as one self-contained HTML page (no external assets, works
 * offline and from a file:// URL): rows are subjects by Entra name and scope,
 * columns are resources grouped by API group, cells are the verbs in short
 * form, coloured by how much they allow. Two filters (rows, resources) narrow
 * it down; every cell has a tooltip with the full verbs and any name limits.
 */
import type { AccessMatrix, MatrixCell } from '../../domain/rbac/matrix.js';
import type { MatrixSubject } from '../../domain/rbac/matrix-subjects.js';
import { resourceLabel } from '../../domain/rbac/resource-catalog.js';
import { clusterWide, subjectLabel } from './matrix-records.js';

export interface HtmlMatrixOptions {
  readonly source: string;
  /** When the matrix was computed (ISO 8601), shown in the header. */
  readonly generatedAt: string;
  readonly warnings: readonly string[];
}

const shortVerbs: Record<string, string> = {
  get: 'g',
  list: 'l',
  watch: 'w',
  create: 'c',
  update: 'u',
  patch: 'p',
  delete: 'd',
  deletecollection: 'dc',
  escalate: 'ESC',
  bind: 'BIND',
  impersonate: 'IMP',
};
const readVerbs = new Set(['get', 'list', 'watch']);
const powerVerbs = new Set(['escalate', 'bind', 'impersonate']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const standard = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** `read` for get/list/watch, `all` for the eight standard verbs, else short letters; extra verbs follow. */
function compactVerbs(verbs: readonly string[]): string {
  const has = new Set(verbs);
  const extra = verbs.filter((verb) => !standard.includes(verb)).map((verb) => shortVerbs[verb] ?? verb);
  let head: string[];
  if (standard.every((verb) => has.has(verb))) head = ['all'];
  else if (['get', 'list', 'watch'].every((verb) => has.has(verb)) && verbs.length - extra.length === 3)
    head = ['read'];
  else head = verbs.filter((verb) => standard.includes(verb)).map((verb) => shortVerbs[verb] ?? verb);
  return [...head, ...extra].join(' ');
}

function level(verbs: readonly string[], anyVerb: boolean): 'read' | 'write' | 'full' {
  if (anyVerb || verbs.some((verb) => powerVerbs.has(verb))) return 'full';
  return verbs.every((verb) => readVerbs.has(verb)) ? 'read' : 'write';
}

function cellHtml(cell: MatrixCell | undefined, column: number, context: string): string {
  if (!cell) return `<td data-col="${column}"></td>`;
  const limited = Object.entries(cell.limited);
  const text = cell.anyVerb ? '*' : compactVerbs(cell.verbs);
  const limitedText = limited.map(([verb]) => `${shortVerbs[verb] ?? verb}*`).join(' ');
  const title = [
    `${context}: ${cell.anyVerb ? 'every verb' : cell.verbs.join(', ') || 'nothing on every object'}`,
    ...limited.map(([verb, names]) => `${verb} only on: ${names.join(', ')}`),
  ].join('\n');
  const verbsForLevel = [...cell.verbs, ...limited.map(([verb]) => verb)];
  return `<td data-col="${column}" class="${level(verbsForLevel, cell.anyVerb)}" title="${escapeHtml(title)}">${escapeHtml([text, limitedText].filter(Boolean).join(' '))}</td>`;
}

function urlCell(urls: Readonly<Record<string, readonly string[]>>, column: number): string {
  const entries = Object.entries(urls);
  if (entries.length === 0) return `<td data-col="${column}"></td>`;
  const text = entries.map(([verb, paths]) => `${verb} ${paths.join(' ')}`).join('; ');
  return `<td data-col="${column}" class="urls" title="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
}

function subjectCell(subject: MatrixSubject): string {
  const detail = subject.entraId ? `${subject.name}` : subject.kind === 'ServiceAccount' ? subject.name : '';
  return `<th scope="row" class="subject"><span class="name">${escapeHtml(subjectLabel(subject))}</span>${detail ? `<span class="id">${escapeHtml(detail)}</span>` : ''}</th>`;
}

/** The two header rows: API groups (consecutive resources of one group share a cell), then resources. */
function headerRows(
  matrix: AccessMatrix,
  labels: readonly string[],
): { groupRow: string; resourceRow: string } {
  const groups: { name: string; span: number }[] = [];
  for (const resource of matrix.resources) {
    const name = resource.apiGroup === '' ? 'core' : resource.apiGroup;
    const last = groups.at(-1);
    if (last && last.name === name) last.span++;
    else groups.push({ name, span: 1 });
  }
  const groupRow = groups
    .map((group) => `<th colspan="${group.span}" class="group">${escapeHtml(group.name)}</th>`)
    .join('');
  const resourceRow = matrix.resources
    .map((resource, index) => {
      const label = labels[index] as string;
      const short =
        resource.subresource === '' ? resource.resource : `${resource.resource}/${resource.subresource}`;
      return `<th data-col="${index}" data-resource="${escapeHtml(label.toLowerCase())}" class="resource${resource.namespaced ? '' : ' cluster-scoped'}" title="${escapeHtml(`${label}${resource.namespaced ? '' : ' (cluster-scoped)'}`)}"><span>${escapeHtml(short)}</span></th>`;
    })
    .join('');
  return { groupRow, resourceRow };
}

/** One row per subject and scope; its search text is what the page's filter box matches. */
function bodyRows(matrix: AccessMatrix, labels: readonly string[], urlColumn: number): string {
  return matrix.rows
    .map((row) => {
      const subject = matrix.subjects[row.subject] as MatrixSubject;
      const scope = row.scope === '' ? clusterWide : row.scope;
      const context = `${subject.displayName} ${row.scope === '' ? 'cluster-wide' : `in ${row.scope}`}`;
      const search = [
        subject.displayName,
        subject.userPrincipalName ?? '',
        subject.name,
        subject.entraId ?? '',
        subject.kind,
        scope,
      ]
        .join(' ')
        .toLowerCase();
      const cells = row.cells
        .map((cell, index) => cellHtml(cell, index, `${context}, ${labels[index]}`))
        .join('');
      return `<tr data-search="${escapeHtml(search)}" data-subject="${escapeHtml(subject.name)}" data-scope="${escapeHtml(scope)}">${subjectCell(subject)}<td class="kind">${escapeHtml(subject.kind)}</td><td class="scope${row.scope === '' ? ' cw' : ''}">${escapeHtml(scope)}</td>${cells}${urlCell(row.nonResourceURLs, urlColumn)}</tr>`;
    })
    .join('\n');
}

export function renderHtmlMatrix(matrix: AccessMatrix, options: HtmlMatrixOptions): string {
  const labels = matrix.resources.map(resourceLabel);
  const urlColumn = matrix.resources.length;
  const { groupRow, resourceRow } = headerRows(matrix, labels);
  const body = bodyRows(matrix, labels, urlColumn);
  const warnings = options.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kentra access matrix</title>
<style>
${pageStyle}</style>
</head>
<body>
<header>
<h1>Who can do what, where</h1>
<div class="meta">Source: ${escapeHtml(options.source)} · computed ${escapeHtml(options.generatedAt)} by kentra · verbs: read = get list watch, all = the eight standard verbs, g get, l list, w watch, c create, u update, p patch, d delete, dc deletecollection, * every verb (any verb, also escalate/bind/impersonate); a trailing * marks verbs limited to named objects (hover a cell)</div>
${warnings ? `<ul class="warnings">${warnings}</ul>` : ''}
<div class="controls">
<input id="filter" type="search" placeholder="Filter people, groups, namespaces…" aria-label="Filter rows" autofocus>
<input id="resource-filter" type="search" placeholder="Filter resources…" aria-label="Filter resources">
<span id="count" class="meta"></span>
<span class="legend"><span class="read">read</span><span class="write">write</span><span class="full">full / escalation</span></span>
</div>
</header>
<div class="wrap">
<table id="matrix">
<thead>
<tr><th rowspan="2" class="subject">Subject</th><th rowspan="2">Kind</th><th rowspan="2">Scope</th>${groupRow}<th rowspan="2" data-col="${urlColumn}" data-resource="non-resource urls">Non-resource URLs</th></tr>
<tr>${resourceRow}</tr>
</thead>
<tbody>
${body}
</tbody>
</table>
</div>
<script>
${pageScript}</script>
</body>
</html>
`;
}

const pageStyle = `:root { --read: #d8f0d8; --write: #ffe2b3; --full: #f8c4c4; --line: #d0d4da; --muted: #5c6370; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2329; background: #fff; }
header { padding: 12px 16px 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 17px; margin: 0 0 4px; }
.meta { color: var(--muted); }
.controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-top: 8px; }
.controls input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; width: 260px; }
.legend span { display: inline-block; padding: 1px 6px; border-radius: 3px; margin-right: 4px; }
.legend .read { background: var(--read); } .legend .write { background: var(--write); } .legend .full { background: var(--full); }
ul.warnings { margin: 6px 0 0; padding-left: 18px; color: #8a4b00; }
.wrap { overflow: auto; max-height: calc(100vh - 120px); }
table { border-collapse: separate; border-spacing: 0; }
th, td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 3px 6px; white-space: nowrap; }
thead th { position: sticky; background: #f4f6f8; z-index: 2; }
thead tr:first-child th { top: 0; }
thead tr:nth-child(2) th { top: 25px; }
th.group { text-align: left; font-weight: 600; color: var(--muted); }
th.resource { font-weight: 500; font-size: 12px; }
th.resource.cluster-scoped span { font-style: italic; }
th.subject { position: sticky; left: 0; background: #fff; text-align: left; z-index: 1; font-weight: normal; }
th.subject .name { font-weight: 600; display: block; }
th.subject .id { color: var(--muted); font-size: 11px; }
td.kind, td.scope { color: var(--muted); }
td.scope.cw { font-weight: 600; color: #1d2329; }
td.read { background: var(--read); } td.write { background: var(--write); } td.full { background: var(--full); font-weight: 600; }
td.urls { max-width: 260px; overflow: hidden; text-overflow: ellipsis; color: var(--muted); }
tr.hidden, .col-hidden { display: none; }
tbody tr:hover td, tbody tr:hover th { outline: 1px solid #9aa4b0; }
`;

const pageScript = `(() => {
  const rows = [...document.querySelectorAll('#matrix tbody tr')];
  const count = document.getElementById('count');
  const filter = document.getElementById('filter');
  const resourceFilter = document.getElementById('resource-filter');
  const applyRows = () => {
    const words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const hit = words.every((word) => row.dataset.search.includes(word));
      row.classList.toggle('hidden', !hit);
      if (hit) shown++;
    }
    count.textContent = shown + ' of ' + rows.length + ' rows';
  };
  const applyColumns = () => {
    const word = resourceFilter.value.toLowerCase().trim();
    const hidden = new Set();
    for (const th of document.querySelectorAll('#matrix thead th[data-resource]'))
      if (word && !th.dataset.resource.includes(word)) hidden.add(th.dataset.col);
    for (const cell of document.querySelectorAll('#matrix [data-col]'))
      cell.classList.toggle('col-hidden', hidden.has(cell.dataset.col));
    document.querySelectorAll('#matrix th.group').forEach((th) => th.classList.toggle('col-hidden', word !== ''));
  };
  filter.addEventListener('input', applyRows);
  resourceFilter.addEventListener('input', applyColumns);
  applyRows();
})();
`;
