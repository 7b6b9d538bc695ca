import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiActivityEvent,
  apiActivityOf,
  authenticationEvent,
  groupManagementEvent,
} from '../../../../src/domain/audit/ocsf.js';
import { buildTrailRecord } from '../../../../src/domain/audit/trail-record.js';
import { auditEvent, bobOid, devGroupOid, signIn, trailContext } from './fixtures.js';

const context = trailContext(signIn());
/** JSON round trip: what a SIEM receives (undefined fields vanish). */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk deep into free-form OCSF objects
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, any>;

describe('OCSF API Activity (6003) from a Kubernetes request', () => {
  it('maps class, activity, actor, api, resource, endpoint and status', () => {
    const event = wire(
      apiActivityEvent(
        buildTrailRecord(auditEvent({ sourceIPs: ['198.51.100.1', '203.0.113.7'] }), context),
        '0.1.0',
      ),
    );
    assert.equal(event.class_uid, 6003);
    assert.equal(event.category_uid, 6);
    assert.equal(event.activity_id, 2);
    assert.equal(event.type_uid, 600302);
    assert.equal(event.time, Date.parse('2026-11-29T04:10:00Z'));
    assert.equal(event.severity_id, 1);
    assert.equal(event.status_id, 1);
    assert.equal(event.status_code, '200');
    assert.deepEqual(event.metadata, {
      version: '1.8.0',
      product: { name: 'kentra', vendor_name: 'kentra', version: '0.1.0' },
      uid: 'a0e6e7c4-0000-4000-8000-000000000001',
      log_name: 'kube-apiserver audit',
      correlation_uid: 'uti-bob-1',
    });
    assert.deepEqual(event.actor.user, {
      name: `entra:${bobOid}`,
      uid: bobOid,
      email_addr: 'bob@contoso.example',
      full_name: 'Bob Builder',
      groups: [{ uid: `entra:${devGroupOid}` }, { uid: 'system:authenticated' }],
    });
    assert.deepEqual(event.actor.session, {
      uid: 'sid-bob',
      credential_uid: 'uti-bob-1',
      created_time: Date.parse('2026-11-29T04:05:00Z'),
      is_mfa: true,
    });
    assert.equal(event.actor.authorizations[0].decision, 'allow');
    assert.equal(event.actor.authorizations[0].policy.name, 'developers');
    assert.deepEqual(event.actor.authorizations[0].policy.group, {
      uid: `entra:${devGroupOid}`,
      name: 'developers',
    });
    assert.deepEqual(event.api, {
      operation: 'get',
      request: { uid: 'a0e6e7c4-0000-4000-8000-000000000001' },
      response: { code: 200 },
      service: { name: 'kube-apiserver' },
      version: 'v1',
    });
    assert.deepEqual(event.resources, [{ type: 'pods', name: 'web-1', namespace: 'team-a' }]);
    assert.deepEqual(event.src_endpoint, { ip: '203.0.113.7', intermediate_ips: ['198.51.100.1'] });
    assert.equal(event.http_request.user_agent, 'kubectl/v1.36.3 (linux/amd64)');
    assert.equal(event.unmapped.join.method, 'uti');
  });

  it('reports denied requests as failures and subresources in the resource type', () => {
    const record = buildTrailRecord(
      auditEvent({
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'team-a', name: 'web-1' },
        responseStatus: { code: 403 },
        annotations: { 'authorization.k8s.io/decision': 'forbid' },
      }),
      context,
    );
    const event = wire(apiActivityEvent(record, '0.1.0'));
    assert.equal(event.activity_id, 1);
    assert.equal(event.type_uid, 600301);
    assert.equal(event.status_id, 2);
    assert.equal(event.status, 'Failure');
    assert.equal(event.resources[0].type, 'pods/exec');
    assert.equal(event.actor.authorizations[0].decision, 'forbid');
  });

  it('maps every verb to its activity', () => {
    const ids = [
      'create',
      'get',
      'list',
      'watch',
      'update',
      'patch',
      'delete',
      'deletecollection',
      'impersonate',
    ].map((verb) => apiActivityOf(verb).id);
    assert.deepEqual(ids, [1, 2, 2, 2, 3, 3, 4, 4, 99]);
  });
});

describe('OCSF Authentication (3002) from an Entra sign-in', () => {
  it('maps user, session, MFA, source, service and status', () => {
    const event = wire(authenticationEvent(signIn(), '0.1.0'));
    assert.equal(event.class_uid, 3002);
    assert.equal(event.category_uid, 3);
    assert.equal(event.activity_id, 1);
    assert.equal(event.type_uid, 300201);
    assert.equal(event.time, Date.parse('2026-11-29T04:05:00Z'));
    assert.equal(event.status_id, 1);
    assert.deepEqual(event.user, {
      uid: bobOid,
      name: 'bob@contoso.example',
      full_name: 'Bob Builder',
      type: 'member',
    });
    assert.deepEqual(event.session, { uid: 'sid-bob', credential_uid: 'uti-bob-1' });
    assert.equal(event.auth_protocol_id, 6);
    assert.equal(event.is_mfa, true);
    assert.deepEqual(event.src_endpoint, {
      ip: '203.0.113.7',
      location: { city: 'Oslo', region: 'Oslo', country: 'NO' },
    });
    assert.deepEqual(event.service, { name: 'kentra cluster', uid: 'res-cluster' });
    assert.equal(event.metadata.correlation_uid, 'uti-bob-1');
  });

  it('reports failed sign-ins with their error code', () => {
    const event = wire(
      authenticationEvent(signIn({ status: { errorCode: 50126, failureReason: 'bad password' } }), '0.1.0'),
    );
    assert.equal(event.status_id, 2);
    assert.equal(event.status_code, '50126');
    assert.equal(event.status_detail, 'bad password');
  });
});

describe('OCSF Group Management (3006) from a group change', () => {
  it('maps add and remove to activities 3 and 4', () => {
    const base = {
      kind: 'group-change' as const,
      time: '2026-11-29T04:00:00Z',
      member: { id: bobOid, upn: 'bob@contoso.example' },
      group: { id: devGroupOid, displayName: 'developers' },
      by: { upn: 'alice@contoso.example' },
      result: 'success',
    };
    const added = wire(groupManagementEvent({ ...base, action: 'added' }, '0.1.0'));
    assert.equal(added.class_uid, 3006);
    assert.equal(added.type_uid, 300603);
    assert.deepEqual(added.group, { uid: devGroupOid, name: 'developers' });
    assert.equal(added.user.name, 'bob@contoso.example');
    assert.equal(added.actor.user.name, 'alice@contoso.example');
    assert.equal(wire(groupManagementEvent({ ...base, action: 'removed' }, '0.1.0')).activity_id, 4);
  });
});
