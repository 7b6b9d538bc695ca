/**
 * Elevations in `kentra audit`'s trail, from what the emulator's PIM writes:
 * its directory audits and schedule requests (exported as Graph returns them)
 * beside Kubernetes audit events. The steps show in time order with the
 * justification and approver, and a request granted through the group while
 * the elevation was in force carries it; one before it does not.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emptyFilter } from '../../../../src/domain/audit/trail-filter.js';
import { demoPimGroups } from '../../../../src/emulator/default-seed.js';
import { runAudit } from '../../../../src/usecases/audit.js';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';
import { auditEvent } from '../../domain/audit/fixtures.js';
import { offlineAuditDeps } from './offline-deps.js';

type Row = Record<string, unknown>;
const base = '/identityGovernance/privilegedAccess/group';

describe('kentra audit: PIM elevations beside the Kubernetes actions they enabled', () => {
  let entra: EmulatorHandle;
  let dir: string;
  before(async () => {
    entra = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'kentra-audit-pim-'));
  });
  after(async () => {
    await entra.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function activate(group: string, reason: string) {
    const { accessToken } = await entra.signInWithPassword({
      user: entra.users.developer,
      scope: 'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup openid',
    });
    const created = await entra.graph(`${base}/assignmentScheduleRequests`, {
      method: 'POST',
      token: accessToken,
      body: {
        accessId: 'member',
        principalId: entra.users.developer.oid,
        groupId: entra.groups[group],
        action: 'selfActivate',
        justification: reason,
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
      },
    });
    return created.body;
  }

  async function trail(auditLines: unknown[], files: Record<string, unknown>) {
    for (const [name, value] of Object.entries(files))
      await writeFile(join(dir, name), JSON.stringify(value));
    await writeFile(join(dir, 'audit.log'), `${auditLines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    let stdout = '';
    let stderr = '';
    const summary = await runAudit(
      {
        auditPaths: ['audit.log'],
        signInPaths: Object.keys(files),
        output: 'json',
        mappings: {},
        join: {},
        filter: emptyFilter,
        follow: false,
      },
      offlineAuditDeps(dir, {
        stdout: {
          write: (text) => {
            stdout += text;
          },
        },
        stderr: {
          write: (text) => {
            stderr += text;
          },
        },
      }),
    );
    return {
      summary,
      stderr,
      records: stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Row),
    };
  }

  it('shows request, activation and expiry with the justification, and marks what the elevation enabled', async () => {
    const oncall = entra.groups[demoPimGroups.oncall] as string;
    const request = await activate(demoPimGroups.oncall, 'INC-7: payment pods stuck');
    entra.control.advanceClock(60 * 60_000);
    const audits = (await entra.graph('/auditLogs/directoryAudits')).body.value as Row[];
    const requests = (await entra.graph(`${base}/assignmentScheduleRequests?$filter=groupId eq '${oncall}'`))
      .body.value as Row[];
    const started = Date.parse(String((request.scheduleInfo as Row).startDateTime));
    const at = (ms: number) => new Date(started + ms).toISOString();
    const granted = `RBAC: allowed by RoleBinding "oncall/shop" of ClusterRole "edit" to Group "entra:group:${oncall}"`;
    const devi = { username: `entra:${entra.users.developer.oid}`, groups: [`entra:group:${oncall}`] };
    const event = (id: string, time: string) =>
      auditEvent({
        auditID: id,
        verb: 'delete',
        user: devi,
        requestReceivedTimestamp: time,
        annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': granted },
      });
    const { records, summary } = await trail(
      [event('before', at(-60_000)), event('during', at(5 * 60_000)), event('after', at(2 * 3_600_000))],
      // Audits as Graph exports them; the requests separately (their justification, as the audit may lack it).
      {
        'audits.json': { value: audits.map(({ additionalDetails: _details, ...rest }) => rest) },
        'requests.json': { value: requests },
      },
    );
    const steps = records.filter((r) => r.kind === 'elevation');
    assert.deepEqual(
      steps.map((s) => s.step),
      ['requested', 'activated', 'expired'],
    );
    assert.ok(
      steps.every((s) => s.requestId === request.id),
      'each step is joined to its request',
    );
    assert.equal(steps[0]?.justification, 'INC-7: payment pods stuck', 'from the schedule request');
    assert.match(String(steps[1]?.summary), /^elevation: devi\.developer@\S+ activated oncall \(INC-7/);
    const byId = new Map(records.filter((r) => r.kind === 'request').map((r) => [r.auditId, r.what as Row]));
    assert.equal(byId.get('before')?.elevation, undefined);
    assert.equal(
      (byId.get('during')?.elevation as Row | undefined)?.justification,
      'INC-7: payment pods stuck',
    );
    assert.equal(byId.get('after')?.elevation, undefined, 'the window closed at expiry');
    assert.equal(summary.elevations, 3);
    // In time order: the request before the elevation, its steps, the request during it, the expiry;
    // the memberships PIM added and removed are there too (at the same instants as its steps).
    assert.deepEqual(
      records
        .filter((r) => r.kind !== 'group-change')
        .map((r) => (r.kind === 'request' ? r.auditId : r.step)),
      ['before', 'requested', 'activated', 'during', 'expired', 'after'],
    );
    const changes = records.filter((r) => r.kind === 'group-change');
    assert.deepEqual(
      changes.map((c) => [c.action, Date.parse(String(c.time))]),
      [
        ['added', started],
        ['removed', started + 3_600_000],
      ],
    );
  });
});
