import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ElevationIndex, elevationFrom } from '../../../../src/domain/audit/elevation.js';
import type { DirectoryAudit } from '../../../../src/domain/audit/group-change.js';

const devi = {
  id: 'd0000000-0000-4000-8000-000000000001',
  type: 'User',
  userPrincipalName: 'devi@contoso.example',
};
const oncall = { id: 'a0000000-0000-4000-8000-000000000002', type: 'Group', displayName: 'oncall' };

function pim(activity: string, time: string, extra: Partial<DirectoryAudit> = {}): DirectoryAudit {
  return {
    id: `PIM_${activity}`,
    category: 'GroupManagement',
    loggedByService: 'PIM',
    activityDisplayName: activity,
    activityDateTime: time,
    result: 'success',
    correlationId: 'req-1',
    initiatedBy: { user: { id: devi.id, userPrincipalName: devi.userPrincipalName } },
    targetResources: [oncall, devi],
    ...extra,
  };
}

describe('elevations from PIM directory audits', () => {
  it('reads each step, and ignores other activities', () => {
    const requested = elevationFrom(
      pim('Add member to role requested (PIM activation)', '2026-05-01T09:00:00Z', {
        additionalDetails: [{ key: 'Justification', value: 'INC-1' }],
      }),
    );
    assert.equal(requested?.step, 'requested');
    assert.equal(requested?.requestId, 'req-1');
    assert.equal(requested?.summary, 'elevation: devi@contoso.example requested oncall (INC-1)');
    assert.equal(elevationFrom(pim('Add member to group', '2026-05-01T09:00:00Z')), undefined);
  });

  it('opens a window at activation with the approver, and closes it at expiry or deactivation', () => {
    const approver = { user: { id: 'alex', userPrincipalName: 'alex@contoso.example' } };
    const events = [
      pim('Add member to role request approved (PIM activation)', '2026-05-01T09:05:00Z', {
        initiatedBy: approver,
      }),
      pim('Add member to role completed (PIM activation)', '2026-05-01T09:05:00Z', {
        additionalDetails: [
          { key: 'StartTime', value: '2026-05-01T09:05:00Z' },
          { key: 'ExpirationTime', value: '2026-05-01T11:05:00Z' },
        ],
      }),
      pim('Remove member from role completed (PIM deactivate)', '2026-05-01T10:00:00Z', {
        correlationId: 'req-2',
      }),
    ].map((audit) => elevationFrom(audit));
    const index = new ElevationIndex(events.filter((e) => e !== undefined));
    const at = (time: string) => index.at(devi.id.toUpperCase(), oncall.id, Date.parse(time));
    assert.equal(at('2026-05-01T09:00:00Z'), undefined, 'not before the activation');
    assert.equal(at('2026-05-01T09:30:00Z')?.approvedBy, 'alex@contoso.example');
    assert.equal(at('2026-05-01T10:30:00Z'), undefined, 'ended by the deactivation, before the planned end');
  });
});
