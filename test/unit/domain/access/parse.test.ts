import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { formatIssue } from '../../../../src/domain/config-check/issues.js';

const minimal = {
  apiVersion: 'kentra.dev/v1alpha1',
  kind: 'Access',
  tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
  clusters: [{ name: 'dev' }],
  rules: [{ group: 'developers', clusterRole: 'view' }],
};

function issuesOf(patch: (file: Record<string, unknown>) => void): string[] {
  const file = structuredClone(minimal) as Record<string, unknown>;
  patch(file);
  return parseAccessFile(file).issues.map((issue) => formatIssue(issue));
}

const rules = (file: Record<string, unknown>) => file.rules as Record<string, unknown>[];

describe('parseAccessFile', () => {
  it('fills in the defaults: oid with a visible prefix, groups prefixed, uti/sid extras, tenant pinned, guests denied', () => {
    const { file, issues } = parseAccessFile(minimal);
    assert.deepEqual(issues, []);
    assert.ok(file);
    assert.deepEqual(file.identity, {
      username: { claim: 'oid', prefix: 'entra:' },
      groups: { claim: 'groups', prefix: 'entra:group:' },
      extra: { keyDomain: 'kentra.dev', uti: true, sid: true },
    });
    assert.deepEqual(file.policy.allowedTenants, ['7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f']);
    assert.equal(file.policy.denyGuests, true);
    assert.equal(file.policy.groupOverage, 'reject');
    assert.equal(
      file.tenant.issuer,
      'https://login.microsoftonline.com/7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f/v2.0',
    );
    assert.equal(file.clusters[0]?.kind, 'self-managed');
    assert.deepEqual(file.rules[0]?.scope, { kind: 'cluster' });
    assert.deepEqual(file.rules[0]?.roleRef, { kind: 'ClusterRole', name: 'view' });
  });

  it('derives the v1 issuer (sts.windows.net, trailing slash) for tokenVersion 1', () => {
    const { file } = parseAccessFile({ ...minimal, app: { tokenVersion: 1 } });
    assert.equal(file?.tenant.issuer, 'https://sts.windows.net/7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f/');
  });

  it('names a misspelt field with its path and the field it probably meant', () => {
    assert.deepEqual(
      issuesOf((file) => {
        rules(file)[0] = { group: 'developers', clusterrole: 'view' };
      }),
      [
        'rules[0].clusterrole: unknown field (did you mean "clusterRole"?)\n      hint: known fields here: group, groupId, clusterRole, role, namespaces, namespaceSelector, clusters, expires, description, jit',
      ],
    );
  });

  it('reports a wrong enum value with the closest one', () => {
    assert.deepEqual(
      issuesOf((file) => {
        file.clusters = [{ name: 'dev', kind: 'ekss' }];
      }),
      ['clusters[0].kind: "ekss" is not one of "self-managed", "kind", "eks", "aks" (did you mean "eks"?)'],
    );
  });

  it('tells to quote a version that YAML read as a number', () => {
    const text =
      'apiVersion: kentra.dev/v1alpha1\nkind: Access\ntenant: {id: 7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f}\nclusters: [{name: dev, kubernetesVersion: 1.30}]\nrules: []\n';
    assert.deepEqual(
      parseAccessFile(parse(text)).issues.map((issue) => formatIssue(issue)),
      [
        'clusters[0].kubernetesVersion: expected a string, got number\n      hint: quote the value: "1.3" (YAML reads 1.3 as a number)',
      ],
    );
  });

  it('collects every problem in one pass, each at its own path', () => {
    const issues = issuesOf((file) => {
      delete file.tenant;
      file.rules = [{ group: '' }, { clusterRole: 'view' }, 'developers'];
    });
    assert.deepEqual(issues, [
      'tenant: is required',
      'rules[0].group: must not be empty',
      'rules[1].group: is required',
      'rules[2]: expected a mapping, got string',
    ]);
  });

  it('checks what a schema cannot: one role per rule, Roles need namespaces, clusters exist, no duplicates', () => {
    const issues = issuesOf((file) => {
      file.rules = [
        { group: 'a', clusterRole: 'view', role: 'reader', namespaces: ['x'] },
        { group: 'b', role: 'reader' },
        { group: 'c' },
        {
          group: 'd',
          clusterRole: 'view',
          namespaces: ['x'],
          namespaceSelector: { matchLabels: { t: 'x' } },
        },
        { group: 'e', clusterRole: 'view', clusters: ['prd'] },
        { group: 'developers', clusterRole: 'view' },
        { group: 'Developers', clusterRole: 'view' },
      ];
      file.clusters = [{ name: 'dev' }, { name: 'prod' }];
    });
    assert.deepEqual(
      issues.map((issue) => issue.split('\n')[0]),
      [
        'rules[0].role: give either role or clusterRole, not both',
        'rules[1].role: a Role lives in a namespace',
        'rules[2]: names no role',
        'rules[3].namespaceSelector: give either namespaces or namespaceSelector, not both',
        'rules[4].clusters[0]: no cluster named "prd" in clusters (did you mean "prod"?)',
        'rules[6]: repeats rules[5] (same group, role and scope)',
      ],
    );
  });

  it('refuses system: prefixes, reserved extra domains, and requireMfa with v2 tokens (with the way out)', () => {
    const issues = parseAccessFile({
      ...minimal,
      identity: { username: { prefix: 'system:x:' }, extra: { keyDomain: 'kubernetes.io' } },
      policy: { requireMfa: true },
    }).issues;
    assert.deepEqual(
      issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      [
        'identity.username.prefix: "system:" is reserved for Kubernetes itself',
        'identity.extra.keyDomain: kubernetes.io is reserved by Kubernetes',
        'policy.requireMfa: v2 access tokens carry no "amr" claim, so MFA cannot be checked from the token',
      ],
    );
    assert.match(issues[2]?.hint ?? '', /requireAuthenticationContext/);
  });

  it('refuses email as the username claim (nOAuth) and warns about mutable claims', () => {
    assert.match(
      issuesOf((file) => {
        file.identity = { username: { claim: 'email' } };
      })[0] ?? '',
      /^identity\.username\.claim: "email" is not one of "oid", "sub", "upn", "preferred_username"/,
    );
    const { warnings } = parseAccessFile({ ...minimal, identity: { username: { claim: 'upn' } } });
    assert.match(warnings[0] ?? '', /upn is mutable/);
  });

  it('reads expiry dates: a bare date lasts until the end of that day (UTC)', () => {
    const { file } = parseAccessFile({
      ...minimal,
      rules: [
        { group: 'a', clusterRole: 'view', expires: '2026-12-31' },
        { group: 'b', clusterRole: 'view', expires: '2026-12-31T08:00:00+02:00' },
      ],
    });
    assert.equal(file?.rules[0]?.expires, Date.parse('2026-12-31T23:59:59.999Z'));
    assert.equal(file?.rules[1]?.expires, Date.parse('2026-12-31T06:00:00Z'));
    assert.match(
      issuesOf((f) => {
        f.rules = [{ group: 'a', clusterRole: 'view', expires: '2026-13-45' }];
      })[0] ?? '',
      /rules\[0\]\.expires: "2026-13-45" is not a valid date/,
    );
  });

  it('reads the full example without loss', () => {
    const raw = parse(readFileSync(new URL('../../../fixtures/access/full.yaml', import.meta.url), 'utf8'));
    const { file } = parseAccessFile({ ...raw, policy: { ...raw.policy, requireMfa: true } });
    assert.ok(file);
    assert.equal(file.app.tokenVersion, 1);
    assert.equal(file.tenant.issuer, 'https://issuer.example.test/7d3b8a4e/v2.0');
    assert.equal(file.policy.maxTokenAgeSeconds, 5400);
    assert.deepEqual(file.rules[1]?.scope, { kind: 'selector', matchLabels: { team: 'payments' } });
    assert.deepEqual(file.rules[0]?.clusters, ['prod']);
  });
});
