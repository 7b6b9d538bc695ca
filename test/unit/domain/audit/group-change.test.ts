import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type DirectoryAudit,
  describeGroupChange,
  groupChangeFrom,
  isDirectoryAudit,
} from '../../../../src/domain/audit/group-change.js';

const audits = JSON.parse(
  readFileSync(new URL('./fixtures/directory-audits.json', import.meta.url), 'utf8'),
) as { value: DirectoryAudit[] };

describe('group-membership changes from directoryAudits', () => {
  it('reads "Add member to group" with the group from the Group target', () => {
    const [added] = audits.value;
    assert.ok(added && isDirectoryAudit(added));
    const change = groupChangeFrom(added);
    assert.deepEqual(change, {
      kind: 'group-change',
      time: '2026-11-29T03:55:00Z',
      action: 'added',
      member: {
        id: '11111111-1111-4111-8111-111111111111',
        upn: 'bob@contoso.example',
        displayName: 'Bob Builder',
      },
      group: { id: '22222222-2222-4222-8222-222222222222', displayName: 'developers' },
      by: {
        id: '33333333-3333-4333-8333-333333333333',
        upn: 'alice@contoso.example',
        displayName: 'Alice Admin',
      },
      result: 'success',
      directoryAuditId: 'Directory_add_1',
    });
    assert.equal(
      describeGroupChange(change),
      'bob@contoso.example added to developers by alice@contoso.example',
    );
  });

  it('reads "Remove member from group" from JSON-encoded oldValue properties when no Group target is present', () => {
    const change = groupChangeFrom(audits.value[1] as DirectoryAudit);
    assert.equal(change?.action, 'removed');
    assert.deepEqual(change?.group, {
      id: '22222222-2222-4222-8222-222222222222',
      displayName: 'developers',
    });
    assert.equal(change?.by.app, 'kentra offboarding');
    assert.equal(
      change && describeGroupChange(change),
      'bob@contoso.example removed from developers by kentra offboarding',
    );
  });

  it('ignores other directory activities', () => {
    assert.equal(groupChangeFrom(audits.value[2] as DirectoryAudit), undefined);
  });
});
