import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan } from '../../../../src/domain/bindings/plan.js';
import { jwtAuthenticator } from '../../../../src/domain/identity/authenticator.js';
import { defaultIdentity } from '../../../../src/domain/identity/mapping.js';
import type { RiskFinding } from '../../../../src/domain/rbac/risks.js';
import { type CheckResult, gathered, problem, runChecks } from '../../../../src/domain/verify/checks.js';
import type { VerifyFacts } from '../../../../src/domain/verify/facts.js';
import { verifyFacts } from '../../../helpers/verify-facts.js';

const tenant = '6d0c4b0e-3f5a-4c2b-9e71-0a8d5f2c7b13';
const issuer = `https://login.example/${tenant}/v2.0`;
const clientId = '11111111-2222-3333-4444-555555555555';
const oid = 'aaaaaaaa-0000-0000-0000-000000000001';
const groupId = 'bbbbbbbb-0000-0000-0000-000000000002';

const authenticator = jwtAuthenticator({
  issuer,
  audiences: [clientId],
  identity: defaultIdentity,
  policy: {
    allowedTenants: [tenant],
    denyGuests: true,
    requireMfa: false,
    groupOverage: 'reject',
    allowedNetworks: [],
    allowedClientApps: [],
  },
});

const goodClaims = {
  iss: issuer,
  aud: clientId,
  tid: tenant,
  oid,
  preferred_username: 'devi@example.org',
  groups: [groupId],
  exp: 2_000_000_000,
  iat: 1_999_996_400,
};

/** Facts of a healthy chain; each test breaks one link. */
const facts = (overrides: Partial<VerifyFacts> = {}, claims: Record<string, unknown> = goodClaims) =>
  verifyFacts(authenticator, claims, overrides);

function byId(results: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((result) => [result.id, result]));
}

function failedIds(results: CheckResult[]): string[] {
  return results.filter((result) => result.status === 'fail').map((result) => result.id);
}

describe('verify checks', () => {
  it('passes every check on a healthy chain', () => {
    const results = runChecks(facts());
    assert.deepEqual(
      results.map((result) => [result.id, result.status]),
      [
        ['issuer-discovery', 'pass'],
        ['sign-in', 'pass'],
        ['token-issuer', 'pass'],
        ['audience', 'pass'],
        ['policy', 'pass'],
        ['token-accepted', 'pass'],
        ['identity-mapping', 'pass'],
        ['groups-claim', 'pass'],
        ['bindings', 'pass'],
        ['baseline', 'pass'],
        ['rbac-risks', 'pass'],
        ['jit-groups', 'pass'],
      ],
    );
    assert.equal(byId(results)['token-accepted']?.summary, `authenticated as entra:${oid}`);
    assert.equal(
      byId(results)['sign-in']?.summary,
      'signed in as devi@example.org, valid until 2033-05-18T03:33:20.000Z',
    );
  });

  it('names a discovery document whose issuer is the v1 issuer', () => {
    const v1 = `https://sts.windows.net/${tenant}/`;
    const results = runChecks(
      facts({ discovery: gathered({ url: 'https://x/.well-known/openid-configuration', issuer: v1 }) }),
    );
    const line = byId(results)['issuer-discovery'];
    assert.equal(line?.status, 'fail');
    assert.match(
      line?.summary ?? '',
      /is the v1 issuer but the access file configures the v2 issuer: a v1\/v2 mix-up/,
    );
    assert.match(line?.hint ?? '', /\{authority\}\/\{tenant\}\/v2\.0/);
  });

  it('reports an unreachable discovery with the problem met', () => {
    const results = runChecks(facts({ discovery: problem('cannot reach https://x', 'check the CA') }));
    assert.deepEqual(failedIds(results), ['issuer-discovery']);
    assert.equal(byId(results)['issuer-discovery']?.hint, 'check the CA');
  });

  it('names a v1 token against a v2 issuer, and the API server rejecting it', () => {
    const claims = { ...goodClaims, iss: `https://sts.windows.net/${tenant}/` };
    const results = runChecks(facts({}, claims));
    assert.deepEqual(failedIds(results), ['token-issuer', 'token-accepted']);
    const line = byId(results)['token-issuer'];
    assert.match(line?.summary ?? '', /is the v1 issuer but the access file configures the v2 issuer/);
    assert.match(line?.hint ?? '', /accessTokenAcceptedVersion/);
    assert.equal(byId(results).policy?.status, 'skip');
    assert.equal(byId(results)['identity-mapping']?.status, 'skip');
  });

  it('fails audience for another app, and suggests listing another spelling of the same app', () => {
    const other = runChecks(facts({}, { ...goodClaims, aud: 'https://graph.microsoft.com' }));
    assert.equal(byId(other).audience?.status, 'fail');
    assert.match(byId(other).audience?.hint ?? '', /another app/);
    const spelling = runChecks(facts({}, { ...goodClaims, aud: `api://${clientId}` }));
    assert.match(byId(spelling).audience?.hint ?? '', /Same app, other spelling/);
  });

  it('tells 401 from 403', () => {
    const unauthorized = runChecks(
      facts({ review: gathered({ accepted: false, status: 401, message: 'Unauthorized' }) }),
    );
    const line401 = byId(unauthorized)['token-accepted'];
    assert.match(line401?.summary ?? '', /^401 Unauthorized: .*, although it satisfies the access file$/);
    assert.match(line401?.hint ?? '', /kentra cluster config --cluster emu/);
    const forbidden = runChecks(
      facts({ review: gathered({ accepted: false, status: 403, message: 'Forbidden' }) }),
    );
    const line403 = byId(forbidden)['token-accepted'];
    assert.match(line403?.summary ?? '', /^403 Forbidden: the token was authenticated/);
    assert.match(line403?.hint ?? '', /system:basic-user/);
  });

  it('fails identity-mapping when the cluster maps another prefix, or puts the user in system:masters', () => {
    const prefixed = runChecks(
      facts({
        review: gathered({
          accepted: true,
          user: { username: `oidc:${oid}`, groups: [groupId, 'system:authenticated'], extra: {} },
        }),
      }),
    );
    const line = byId(prefixed)['identity-mapping'];
    assert.equal(line?.status, 'fail');
    assert.match(
      line?.summary ?? '',
      new RegExp(`username is oidc:${oid}, the access file maps entra:${oid}`),
    );
    assert.match(
      line?.summary ?? '',
      new RegExp(`expected but absent entra:group:${groupId}; present but not expected ${groupId}`),
    );
    const masters = runChecks(
      facts({
        review: gathered({
          accepted: true,
          user: { username: `entra:${oid}`, groups: [`entra:group:${groupId}`, 'system:masters'], extra: {} },
        }),
      }),
    );
    assert.match(byId(masters)['identity-mapping']?.summary ?? '', /system:masters/);
  });

  it('fails groups-claim on the overage form and when the claim is absent', () => {
    const { groups: _, ...noGroups } = goodClaims;
    const overage = {
      ...noGroups,
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://graph.windows.net/x/users/y/getMemberObjects' } },
    };
    const results = runChecks(facts({}, overage));
    assert.deepEqual(failedIds(results), ['policy', 'token-accepted', 'groups-claim']);
    assert.match(byId(results)['groups-claim']?.summary ?? '', /groups-overage form/);
    const absent = byId(runChecks(facts({}, noGroups)))['groups-claim'];
    assert.equal(absent?.status, 'fail');
    assert.match(absent?.hint ?? '', /groupMembershipClaims.*--graph-auth/);
    const inNone = byId(runChecks(facts({ directoryGroupCount: gathered(0) }, noGroups)))['groups-claim'];
    assert.equal(inNone?.status, 'pass');
    assert.equal(inNone?.summary, 'no groups in the token, and Entra agrees: the user is in no group');
    const notEmitted = byId(runChecks(facts({ directoryGroupCount: gathered(3) }, noGroups)))['groups-claim'];
    assert.equal(notEmitted?.status, 'fail');
    assert.match(
      notEmitted?.hint ?? '',
      /^Entra says the user is in 3 group\(s\): the app does not emit them/,
    );
  });

  it('lists drifted bindings', () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding' as const,
      metadata: { name: 'kentra:developers-bbbbbbbb:clusterrole:edit', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [],
    };
    const plan: Plan = {
      cluster: 'emu',
      changes: [
        { action: 'update', key: 'k1', desired: binding, binding: {} as never, fields: ['subjects'] },
        { action: 'create', key: 'k2', desired: { ...binding, kind: 'RoleBinding' }, binding: {} as never },
        { action: 'delete', key: 'k3', current: binding, reason: 'undeclared' },
      ],
      summary: { create: 1, update: 1, replace: 0, delete: 1, orphan: 0, unchanged: 0 },
      empty: false,
    };
    const line = byId(runChecks(facts({ plan: gathered(plan) }))).bindings;
    assert.equal(line?.status, 'fail');
    assert.deepEqual(line?.details, [
      'changed: RoleBinding shop/kentra:developers-bbbbbbbb:clusterrole:edit (subjects)',
      'missing: RoleBinding shop/kentra:developers-bbbbbbbb:clusterrole:edit',
      'not declared: RoleBinding shop/kentra:developers-bbbbbbbb:clusterrole:edit',
    ]);
    assert.match(line?.hint ?? '', /kentra rbac apply --prune/);
  });

  it('splits baseline findings from other risks, and lets the access file declare risky grants', () => {
    const finding = (check: RiskFinding['check'], message: string): RiskFinding => ({
      check,
      role: { kind: 'ClusterRole', name: 'x' },
      binding: { kind: 'ClusterRoleBinding', name: 'b' },
      message,
      hint: `fix ${check}`,
    });
    const risks = gathered([
      { finding: finding('broad-baseline', 'everyone views'), declared: false },
      { finding: finding('risky-permission', 'devs may get secrets'), declared: true },
    ]);
    const results = byId(runChecks(facts({ risks })));
    assert.equal(results.baseline?.status, 'fail');
    assert.deepEqual(results.baseline?.details, ['broad-baseline: everyone views']);
    assert.equal(results.baseline?.hint, 'fix broad-baseline');
    assert.equal(results['rbac-risks']?.status, 'pass');
    assert.deepEqual(results['rbac-risks']?.details, ['declared in the access file: devs may get secrets']);

    const undeclared = gathered([
      { finding: finding('cluster-admin', 'Group "ops" may do everything'), declared: false },
    ]);
    const line = byId(runChecks(facts({ risks: undeclared })))['rbac-risks'];
    assert.equal(line?.status, 'fail');
    assert.equal(line?.summary, '1 grant(s) outside the access file: cluster-admin');
  });

  it('fails jit rules whose group is not PIM-managed or has permanent members', () => {
    const jit = (pimManaged: boolean, permanentMembers: string[]) =>
      byId(
        runChecks(
          facts({
            jitGroups: gathered([{ rule: 'rules[2]', group: 'oncall', pimManaged, permanentMembers }]),
          }),
        ),
      )['jit-groups'];
    assert.equal(jit(true, [])?.status, 'pass');
    assert.equal(jit(true, [])?.summary, '1 jit group(s) are PIM-managed and have no permanent members');
    const permanent = jit(true, ['alex@example.org']);
    assert.equal(permanent?.status, 'fail');
    assert.deepEqual(permanent?.details, ['rules[2]: oncall has 1 permanent member(s): alex@example.org']);
    assert.deepEqual(jit(false, [])?.details, [
      'rules[2]: oncall is not managed by PIM (no policy, nobody eligible)',
    ]);
    const unreadable = byId(
      runChecks(facts({ jitGroups: problem('Graph 403', 'grant the PIM read permissions') })),
    )['jit-groups'];
    assert.equal(unreadable?.status, 'fail');
    assert.equal(unreadable?.hint, 'grant the PIM read permissions');
  });

  it('skips what depends on a token that could not be obtained', () => {
    const results = runChecks(
      facts({ token: problem('sign-in cancelled (SIGINT)'), expected: undefined, review: undefined }),
    );
    assert.deepEqual(failedIds(results), ['sign-in']);
    assert.deepEqual(
      results.filter((result) => result.status === 'skip').map((result) => result.id),
      ['token-issuer', 'audience', 'policy', 'token-accepted', 'identity-mapping', 'groups-claim'],
    );
  });
});
