import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPimGroups } from '../../../../src/emulator/default-seed.js';
import { type DemoUser, type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';
import { claimsOf } from '../flow-helpers.js';

type Row = Record<string, unknown>;

const base = '/identityGovernance/privilegedAccess/group';
const graphScopes = [
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
  'GroupMember.Read.All',
]
  .map((scope) => `https://graph.microsoft.com/${scope}`)
  .join(' ');
const hour = 3_600_000;

describe('emulator Graph: PIM for Groups', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  /** A delegated Graph token of the user (as kentra elevate gets one), with sign-in options. */
  async function graphTokenOf(user: DemoUser, options: { amrValues?: string; claims?: string } = {}) {
    const { accessToken } = await entra.signInWithPassword({
      user,
      scope: `${graphScopes} openid offline_access`,
      ...options,
    });
    return accessToken;
  }
  const as =
    (token: string) =>
    (path: string, init: { method?: string; body?: unknown } = {}) =>
      entra.graph(path, { ...init, token });
  const activation = (group: string, principalId: string, extra: Row = {}) => ({
    accessId: 'member',
    principalId,
    groupId: entra.groups[group],
    action: 'selfActivate',
    scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT2H' } },
    justification: 'INC-42: pods stuck in CrashLoopBackOff',
    ...extra,
  });
  const errorOf = (body: Row) => body.error as { code: string; message: string };

  it('lists what a user is eligible for, requires a filter on plain lists, and serves the group policy', async () => {
    const devi = as(await graphTokenOf(entra.users.developer));
    const mine = await devi(
      `${base}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
    );
    assert.equal(mine.status, 200);
    const names = (mine.body.value as Row[]).map((e) => (e.group as Row).displayName).sort();
    assert.deepEqual(names, Object.values(demoPimGroups).sort());
    const unfiltered = await devi(`${base}/eligibilitySchedules`);
    assert.equal(unfiltered.status, 400, 'plain lists need $filter on groupId or principalId');
    const byGroup = await entra.graph(
      `${base}/eligibilitySchedules?$filter=groupId eq '${entra.groups[demoPimGroups.oncall]}'`,
    );
    assert.deepEqual(
      (byGroup.body.value as Row[]).map((e) => e.principalId),
      [entra.users.developer.oid],
      'the app-only automation token reads eligibility per group',
    );
    const policy = await devi(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${entra.groups[demoPimGroups.oncall]}' and scopeType eq 'Group'&$expand=policy($expand=rules)`,
    );
    const rules = ((policy.body.value as Row[])[0]?.policy as Row | undefined)?.rules as Row[];
    const rule = (id: string) => rules.find((r) => r.id === id) as Row;
    assert.equal(rule('Expiration_EndUser_Assignment').maximumDuration, 'PT4H');
    assert.deepEqual(rule('Enablement_EndUser_Assignment').enabledRules, ['Justification']);
    assert.equal((rule('Approval_EndUser_Assignment').setting as Row).isApprovalRequired, false);
    const none = await devi(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${entra.groups.developers}' and scopeType eq 'Group'`,
    );
    assert.deepEqual(none.body.value, [], 'a group not onboarded to PIM has no policy');
    const app = await entra.graph(`${base}/eligibilitySchedules/filterByCurrentUser(on='principal')`);
    assert.equal(app.status, 400, 'filterByCurrentUser needs a signed-in user');
  });

  it('enforces the policy: eligibility, justification, maximum duration', async () => {
    const devi = as(await graphTokenOf(entra.users.developer));
    const oid = entra.users.developer.oid;
    const post = (body: Row) => devi(`${base}/assignmentScheduleRequests`, { method: 'POST', body });
    const noReason = await post(activation(demoPimGroups.oncall, oid, { justification: undefined }));
    assert.equal(noReason.status, 400);
    assert.equal(errorOf(noReason.body).code, 'RoleAssignmentRequestPolicyValidationFailed');
    assert.match(errorOf(noReason.body).message, /JustificationRule/);
    const tooLong = await post(
      activation(demoPimGroups.oncall, oid, {
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT5H' } },
      }),
    );
    assert.match(errorOf(tooLong.body).message, /\["ExpirationRule"\]/, 'PT5H exceeds the policy PT4H');
    const nico = as(await graphTokenOf(entra.users.noGroups));
    const notEligible = await nico(`${base}/assignmentScheduleRequests`, {
      method: 'POST',
      body: activation(demoPimGroups.oncall, entra.users.noGroups.oid),
    });
    assert.equal(notEligible.status, 400);
    assert.match(errorOf(notEligible.body).message, /EligibilityRule/);
    const forSomeoneElse = await post(activation(demoPimGroups.oncall, entra.users.noGroups.oid));
    assert.equal(forSomeoneElse.status, 403, 'a self-service request names the caller');
  });

  it('activates: membership everywhere (getMemberGroups, delta, new tokens), then expires with the clock', async () => {
    const devi = as(await graphTokenOf(entra.users.developer));
    const oid = entra.users.developer.oid;
    const oncall = entra.groups[demoPimGroups.oncall] as string;
    const round = await entra.graph('/groups/delta?$select=displayName,members');
    let deltaLink = String(round.body['@odata.deltaLink'] ?? '');
    for (let next = round.body['@odata.nextLink']; next; ) {
      const page = await entra.graph(String(next));
      next = page.body['@odata.nextLink'];
      deltaLink = String(page.body['@odata.deltaLink'] ?? deltaLink);
    }
    const started = entra.control.scheduleNow();
    const created = await devi(`${base}/assignmentScheduleRequests`, {
      method: 'POST',
      body: activation(demoPimGroups.oncall, oid),
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'Provisioned');
    assert.deepEqual(
      (created.body.scheduleInfo as Row).expiration,
      { type: 'afterDuration', endDateTime: null, duration: 'PT2H' },
      '"AfterDuration" is accepted, the lowercase enum returned',
    );

    const groups = await entra.graph(`/users/${oid}/getMemberGroups`, { method: 'POST', body: {} });
    assert.ok((groups.body.value as string[]).includes(oncall), 'getMemberGroups');
    const transitive = await entra.graph(`/users/${oid}/transitiveMemberOf`);
    assert.ok(
      (transitive.body.value as Row[]).some((g) => g.id === oncall),
      'transitiveMemberOf',
    );
    const changes = await entra.graph(deltaLink);
    const changed = (changes.body.value as Row[]).find((g) => g.id === oncall);
    assert.deepEqual(
      ((changed?.['members@delta'] ?? []) as Row[]).map((m) => m.id),
      [oid],
      'groups/delta reports the member',
    );
    const { idToken } = await entra.signInWithPassword({ user: entra.users.developer });
    assert.ok((claimsOf(idToken).groups as string[]).includes(oncall), 'the groups claim of a new token');
    const instances = await devi(`${base}/assignmentScheduleInstances/filterByCurrentUser(on='principal')`);
    const instance = (instances.body.value as Row[]).find((i) => i.groupId === oncall) as Row;
    assert.equal(instance.assignmentType, 'activated');
    assert.ok(Math.abs(Date.parse(String(instance.endDateTime)) - (started + 2 * hour)) < 5000);

    const again = await devi(`${base}/assignmentScheduleRequests`, {
      method: 'POST',
      body: activation(demoPimGroups.oncall, oid),
    });
    assert.equal(errorOf(again.body).code, 'RoleAssignmentExists');

    const nextLink = String(changes.body['@odata.deltaLink']);
    entra.control.advanceClock(2 * hour);
    const after = await entra.graph(`/users/${oid}/getMemberGroups`, { method: 'POST', body: {} });
    assert.ok(!(after.body.value as string[]).includes(oncall), 'expiry removes the membership');
    const removal = await entra.graph(nextLink);
    const removed = (removal.body.value as Row[]).find((g) => g.id === oncall);
    assert.deepEqual(removed?.['members@delta'], [
      { '@odata.type': '#microsoft.graph.user', id: oid, '@removed': { reason: 'deleted' } },
    ]);
    const gone = await devi(`${base}/assignmentScheduleInstances/filterByCurrentUser(on='principal')`);
    assert.ok(!(gone.body.value as Row[]).some((i) => i.groupId === oncall));
    const expired = entra.control
      .directoryAudits()
      .filter((a) => a.loggedByService === 'PIM' && a.correlationId === created.body.id)
      .map((a) => a.activityDisplayName);
    assert.deepEqual(expired, [
      'Add member to role requested (PIM activation)',
      'Add member to role completed (PIM activation)',
      'Remove member from role (PIM activation expired)',
    ]);
  });

  it('deactivates on request, but not within five minutes of activating', async () => {
    const devi = as(await graphTokenOf(entra.users.developer));
    const oid = entra.users.developer.oid;
    const post = (body: Row) => devi(`${base}/assignmentScheduleRequests`, { method: 'POST', body });
    assert.equal((await post(activation(demoPimGroups.oncall, oid))).status, 201);
    const end = {
      accessId: 'member',
      principalId: oid,
      groupId: entra.groups[demoPimGroups.oncall],
      action: 'selfDeactivate',
    };
    const early = await post(end);
    assert.equal(errorOf(early.body).code, 'ActiveDurationTooShort');
    entra.control.advanceClock(5 * 60_000);
    const ended = await post(end);
    assert.equal(ended.status, 201);
    assert.equal(ended.body.status, 'Revoked');
    const groups = await entra.graph(`/users/${oid}/getMemberGroups`, { method: 'POST', body: {} });
    assert.ok(!(groups.body.value as string[]).includes(entra.groups[demoPimGroups.oncall] as string));
    assert.equal(errorOf((await post(end)).body).code, 'RoleAssignmentDoesNotExist');
  });

  it('waits for an approver, who decides through Graph', async () => {
    const devi = as(await graphTokenOf(entra.users.developer));
    const alex = as(await graphTokenOf(entra.users.admin));
    const oid = entra.users.developer.oid;
    const group = entra.groups[demoPimGroups.approval] as string;
    const pending = await devi(`${base}/assignmentScheduleRequests`, {
      method: 'POST',
      body: activation(demoPimGroups.approval, oid),
    });
    assert.equal(pending.body.status, 'PendingApproval');
    const approvalId = String(pending.body.approvalId);
    const member = async () =>
      (
        (await entra.graph(`/users/${oid}/getMemberGroups`, { method: 'POST', body: {} })).body
          .value as string[]
      ).includes(group);
    assert.equal(await member(), false, 'no membership while pending');
    const queue = await alex(`${base}/assignmentScheduleRequests/filterByCurrentUser(on='approver')`);
    assert.deepEqual(
      (queue.body.value as Row[]).map((r) => r.id),
      [pending.body.id],
    );
    const approval = await alex(`${base}/assignmentApprovals/${approvalId}`);
    const stage = (approval.body.stages as Row[])[0] as Row;
    assert.equal(stage.assignedToMe, true);
    const self = await devi(`${base}/assignmentApprovals/${approvalId}/stages/${stage.id}`, {
      method: 'PATCH',
      body: { reviewResult: 'Approve', justification: 'me' },
    });
    assert.equal(self.status, 403, 'a requestor cannot approve their own request');
    const approved = await alex(`${base}/assignmentApprovals/${approvalId}/stages/${stage.id}`, {
      method: 'PATCH',
      body: { reviewResult: 'Approve', justification: 'change window CHG-7' },
    });
    assert.equal(approved.status, 204);
    assert.equal(await member(), true);
    const request = await devi(`${base}/assignmentScheduleRequests/${pending.body.id}`);
    assert.equal(request.body.status, 'Provisioned');
    const twice = await alex(`${base}/assignmentApprovals/${approvalId}/steps/${stage.id}`, {
      method: 'PATCH',
      body: { reviewResult: 'Deny' },
    });
    assert.equal(twice.status, 409);
    const audit = entra.control
      .directoryAudits()
      .find((a) => a.activityDisplayName === 'Add member to role request approved (PIM activation)');
    assert.equal((audit?.initiatedBy.user as Row | undefined)?.userPrincipalName, entra.users.admin.upn);
  });

  it('asks for MFA and for the authentication context in the token at activation', async () => {
    const oid = entra.users.developer.oid;
    const passwordOnly = as(await graphTokenOf(entra.users.developer));
    const post = (call: ReturnType<typeof as>, group: string) =>
      call(`${base}/assignmentScheduleRequests`, { method: 'POST', body: activation(group, oid) });
    const noMfa = await post(passwordOnly, demoPimGroups.mfa);
    assert.match(errorOf(noMfa.body).message, /\["MfaRule"\]/);
    const withMfa = as(await graphTokenOf(entra.users.developer, { amrValues: 'ngcmfa' }));
    assert.equal((await post(withMfa, demoPimGroups.mfa)).body.status, 'Provisioned');

    const noContext = await post(withMfa, demoPimGroups.authContext);
    assert.equal(errorOf(noContext.body).code, 'RoleAssignmentRequestAcrsValidationFailed');
    const challenge = decodeURIComponent(/&claims=(\S+)/.exec(errorOf(noContext.body).message)?.[1] ?? '');
    assert.deepEqual(JSON.parse(challenge), { access_token: { acrs: { essential: true, value: 'c1' } } });
    const stepUp = await graphTokenOf(entra.users.developer, { claims: challenge });
    assert.deepEqual(claimsOf(stepUp).acrs, ['c1']);
    assert.equal((await post(as(stepUp), demoPimGroups.authContext)).body.status, 'Provisioned');
  });
});
