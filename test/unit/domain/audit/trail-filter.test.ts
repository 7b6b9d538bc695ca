import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupChange } from '../../../../src/domain/audit/group-change.js';
import {
  emptyFilter,
  matchesGroupChange,
  matchesRequest,
  parseTimeBound,
  type TrailFilter,
} from '../../../../src/domain/audit/trail-filter.js';
import { buildTrailRecord } from '../../../../src/domain/audit/trail-record.js';
import { auditEvent, bobOid, devGroupOid, signIn, trailContext } from './fixtures.js';

const context = trailContext(signIn());
const allowed = buildTrailRecord(auditEvent(), context);
const denied = buildTrailRecord(
  auditEvent({
    verb: 'create',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'team-b', name: 'db-0' },
    responseStatus: { code: 403 },
    annotations: { 'authorization.k8s.io/decision': 'forbid' },
    requestReceivedTimestamp: '2026-11-29T05:00:00Z',
  }),
  context,
);
const f = (overrides: Partial<TrailFilter>): TrailFilter => ({ ...emptyFilter, ...overrides });
const change: GroupChange = {
  kind: 'group-change',
  time: '2026-11-29T04:00:00Z',
  action: 'added',
  member: { id: bobOid, upn: 'bob@contoso.example' },
  group: { id: devGroupOid, displayName: 'developers' },
  by: { upn: 'alice@contoso.example' },
  result: 'success',
};

describe('trail filters', () => {
  it('matches everything when empty', () => {
    assert.ok(matchesRequest(allowed, emptyFilter));
    assert.ok(matchesGroupChange(change, emptyFilter));
  });

  it('--user matches UPN, oid or Kubernetes username, case-insensitively', () => {
    for (const user of ['BOB@contoso.example', bobOid, `entra:${bobOid}`, 'Bob Builder'])
      assert.ok(matchesRequest(allowed, f({ users: [user] })), user);
    assert.ok(!matchesRequest(allowed, f({ users: ['carol@contoso.example'] })));
    assert.ok(matchesGroupChange(change, f({ users: ['alice@contoso.example'] })), 'the actor counts');
  });

  it('--group matches the user groups (with or without prefix) and the granting group by name', () => {
    assert.ok(matchesRequest(allowed, f({ groups: [devGroupOid] })));
    assert.ok(matchesRequest(allowed, f({ groups: ['developers'] })));
    assert.ok(!matchesRequest(allowed, f({ groups: ['admins'] })));
    assert.ok(matchesGroupChange(change, f({ groups: ['developers'] })));
  });

  it('--namespace, --verb, --resource (with subresource) and --denied', () => {
    assert.ok(matchesRequest(allowed, f({ namespaces: ['team-a'] })));
    assert.ok(!matchesRequest(denied, f({ namespaces: ['team-a'] })));
    assert.ok(matchesRequest(denied, f({ verbs: ['get', 'create'] })));
    assert.ok(!matchesRequest(allowed, f({ verbs: ['create'] })));
    assert.ok(matchesRequest(denied, f({ resources: ['pods'] })), 'pods matches any subresource');
    assert.ok(matchesRequest(denied, f({ resources: ['pods/exec'] })));
    assert.ok(!matchesRequest(allowed, f({ resources: ['pods/exec'] })));
    assert.ok(matchesRequest(denied, f({ deniedOnly: true })));
    assert.ok(!matchesRequest(allowed, f({ deniedOnly: true })));
    assert.ok(!matchesGroupChange(change, f({ deniedOnly: true })), 'group changes are not requests');
  });

  it('--since and --until bound the time inclusively', () => {
    const t = Date.parse('2026-11-29T04:10:00Z');
    assert.ok(matchesRequest(allowed, f({ since: t, until: t })));
    assert.ok(!matchesRequest(allowed, f({ since: t + 1 })));
    assert.ok(!matchesRequest(denied, f({ until: t })));
    assert.ok(!matchesGroupChange(change, f({ since: t })));
  });
});

describe('parseTimeBound', () => {
  const now = Date.parse('2026-11-29T06:00:00Z');
  it('reads RFC 3339 times and durations back from now', () => {
    assert.equal(parseTimeBound('2026-11-29T04:00:00Z', now), Date.parse('2026-11-29T04:00:00Z'));
    assert.equal(parseTimeBound('90m', now), Date.parse('2026-11-29T04:30:00Z'));
    assert.equal(parseTimeBound('2h', now), Date.parse('2026-11-29T04:00:00Z'));
    assert.equal(parseTimeBound('1d', now), Date.parse('2026-11-28T06:00:00Z'));
  });
  it('rejects anything else', () => {
    assert.equal(parseTimeBound('yesterday', now), undefined);
    assert.equal(parseTimeBound('2026-13-45', now), undefined);
    assert.equal(parseTimeBound('5', now), undefined);
  });
});
