import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGrantingBinding } from '../../../../src/domain/audit/authorization-reason.js';
import { buildTrailRecord } from '../../../../src/domain/audit/trail-record.js';
import { auditEvent, bobOid, devGroupOid, signIn, trailContext } from './fixtures.js';

const context = trailContext;

describe('the trail record', () => {
  it('says who, what, when, from where, which sign-in and how it was joined', () => {
    const record = buildTrailRecord(auditEvent(), context(signIn()));
    assert.deepEqual(record, {
      kind: 'request',
      time: '2026-11-29T04:10:00.000000Z',
      auditId: 'a0e6e7c4-0000-4000-8000-000000000001',
      stage: 'ResponseComplete',
      who: {
        username: `entra:${bobOid}`,
        groups: [`entra:${devGroupOid}`, 'system:authenticated'],
        oid: bobOid,
        upn: 'bob@contoso.example',
        displayName: 'Bob Builder',
        tenantId: 'tenant-1',
        userType: 'member',
        impersonatedBy: undefined,
      },
      what: {
        verb: 'get',
        apiGroup: undefined,
        apiVersion: 'v1',
        resource: 'pods',
        subresource: undefined,
        namespace: 'team-a',
        name: 'web-1',
        requestUri: '/api/v1/namespaces/team-a/pods/web-1',
        responseCode: 200,
        decision: 'allow',
        reason: `RBAC: allowed by RoleBinding "developers/team-a" of ClusterRole "edit" to Group "entra:${devGroupOid}"`,
        grantedBy: {
          bindingKind: 'RoleBinding',
          binding: 'developers',
          bindingNamespace: 'team-a',
          roleKind: 'ClusterRole',
          role: 'edit',
          subjectKind: 'Group',
          subject: `entra:${devGroupOid}`,
          groupName: 'developers',
        },
      },
      from: {
        sourceIp: '203.0.113.7',
        sourceIps: undefined,
        userAgent: 'kubectl/v1.36.3 (linux/amd64)',
        signInIp: '203.0.113.7',
        location: 'Oslo, Oslo, NO',
        device: 'bob-laptop, Linux, compliant',
        clientApp: 'kentra',
        clientAppUsed: 'Mobile Apps and Desktop clients',
        conditionalAccess: 'success',
        mfa: true,
      },
      join: { method: 'uti', confidence: 1 },
      signIn: {
        id: 'signin-bob-1',
        time: '2026-11-29T04:05:00Z',
        uniqueTokenIdentifier: 'uti-bob-1',
        sessionId: 'sid-bob',
        interactive: true,
        appId: 'aaaaaaaa-0000-4000-8000-00000000c1d0',
        resource: 'kentra cluster',
      },
    });
  });

  it('marks denied requests and has no granting binding for them', () => {
    const record = buildTrailRecord(
      auditEvent({
        verb: 'delete',
        responseStatus: { code: 403 },
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
      context(signIn()),
    );
    assert.equal(record.what.decision, 'forbid');
    assert.equal(record.what.responseCode, 403);
    assert.equal(record.what.grantedBy, undefined);
  });

  it('treats a 403 without annotations as denied', () => {
    const record = buildTrailRecord(
      auditEvent({ annotations: undefined, responseStatus: { code: 403 } }),
      context(),
    );
    assert.equal(record.what.decision, 'forbid');
  });

  it('reports the impersonated identity as who, and the impersonator', () => {
    const record = buildTrailRecord(
      auditEvent({
        user: { username: 'kentra-admin', groups: ['system:masters'] },
        impersonatedUser: { username: `entra:${bobOid}`, extra: { 'kentra.dev/uti': ['uti-bob-1'] } },
      }),
      context(signIn()),
    );
    assert.equal(record.who.username, `entra:${bobOid}`);
    assert.equal(record.who.impersonatedBy, 'kentra-admin');
    assert.equal(record.join.method, 'uti');
  });

  it('uses the last source IP (the one the client cannot forge)', () => {
    const record = buildTrailRecord(auditEvent({ sourceIPs: ['1.1.1.1', '10.0.0.8'] }), context());
    assert.equal(record.from.sourceIp, '10.0.0.8');
    assert.equal(record.join.method, 'none');
    assert.equal(record.join.note, 'token uti not found in the sign-in log');
  });
});

describe('parseGrantingBinding', () => {
  it('reads ClusterRoleBinding reasons', () => {
    assert.deepEqual(
      parseGrantingBinding(
        'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
      ),
      {
        bindingKind: 'ClusterRoleBinding',
        binding: 'system:basic-user',
        roleKind: 'ClusterRole',
        role: 'system:basic-user',
        subjectKind: 'Group',
        subject: 'system:authenticated',
      },
    );
  });

  it('splits RoleBinding "name/namespace" and reads User subjects', () => {
    const parsed = parseGrantingBinding(
      'RBAC: allowed by RoleBinding "alice-reads/team-a" of Role "reader" to User "alice"',
    );
    assert.equal(parsed?.binding, 'alice-reads');
    assert.equal(parsed?.bindingNamespace, 'team-a');
    assert.equal(parsed?.subjectKind, 'User');
    assert.equal(parsed?.subject, 'alice');
  });

  it('returns nothing for empty or non-RBAC reasons', () => {
    assert.equal(parseGrantingBinding(''), undefined);
    assert.equal(parseGrantingBinding(undefined), undefined);
    assert.equal(parseGrantingBinding('Access allowed by Azure RBAC'), undefined);
  });
});
