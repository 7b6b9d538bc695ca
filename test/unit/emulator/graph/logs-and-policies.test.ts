import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EmulatorHandle, startEmulator } from '../../../harness/emulator.js';
import { claimsOf, tokenCall } from '../flow-helpers.js';

type Row = Record<string, unknown>;

describe('emulator Graph: sign-in logs, Conditional Access policies, faults', () => {
  let entra: EmulatorHandle;
  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  it('lists interactive sign-ins on v1.0 and non-interactive ones on beta, joined by uti', async () => {
    const tokens = await entra.signInWithPassword({ user: entra.users.developer });
    const refreshed = await tokenCall(entra, {
      client_id: entra.clientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken ?? '',
    });
    const interactiveUti = claimsOf(tokens.accessToken).uti;
    const refreshUti = claimsOf(refreshed.body.access_token).uti;
    const v1 = await entra.graph(
      `/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${entra.users.developer.oid}'`)}`,
    );
    const v1Rows = v1.body.value as Row[];
    const row = v1Rows.find((r) => r.uniqueTokenIdentifier === interactiveUti);
    assert.ok(row, 'the interactive sign-in is listed');
    assert.equal(row.ipAddress, '127.0.0.1');
    assert.equal(row.appId, entra.clientId);
    assert.equal(row.conditionalAccessStatus, 'notApplied');
    assert.deepEqual(row.status, { errorCode: 0, failureReason: null, additionalDetails: null });
    assert.ok(
      !v1Rows.some((r) => r.uniqueTokenIdentifier === refreshUti),
      'v1.0 lists interactive sign-ins only',
    );
    const filter = encodeURIComponent("signInEventTypes/any(t: t eq 'nonInteractiveUser')");
    const beta = await entra.graph(`/auditLogs/signIns?$filter=${filter}`, { version: 'beta' });
    const betaRows = beta.body.value as Row[];
    assert.ok(betaRows.some((r) => r.uniqueTokenIdentifier === refreshUti && r.isInteractive === false));
    const times = betaRows.map((r) => String(r.createdDateTime));
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
  });

  it('enforces a blocking policy created through Graph, and logs the failure', async () => {
    const created = await entra.graph('/identity/conditionalAccess/policies', {
      method: 'POST',
      body: {
        displayName: 'Block guests from kentra',
        state: 'enabled',
        conditions: {
          applications: { includeApplications: [entra.clientId] },
          users: { includeUsers: ['GuestsOrExternalUsers'] },
          clientAppTypes: ['all'],
        },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      },
    });
    assert.equal(created.status, 201);
    assert.deepEqual((created.body.conditions as Row).signInRiskLevels, []);
    await assert.rejects(entra.signInWithPassword({ user: entra.users.guest }), /AADSTS53003/);
    const member = await entra.signInWithPassword({ user: entra.users.developer });
    assert.ok(member.idToken, 'members are not blocked');
    const beta = await entra.graph(
      `/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${entra.users.guest.oid}'`)}`,
    );
    const failure = (beta.body.value as Row[])[0] as Row;
    assert.equal((failure.status as Row).errorCode, 53003);
    assert.equal(failure.conditionalAccessStatus, 'failure');
    const applied = (failure.appliedConditionalAccessPolicies as Row[]).find((p) => p.id === created.body.id);
    assert.deepEqual(applied?.enforcedGrantControls, ['Block']);
    const listed = await entra.graph('/identity/conditionalAccess/policies');
    assert.ok((listed.body.value as Row[]).some((p) => p.displayName === 'Block guests from kentra'));
    const deleted = await entra.graph(`/identity/conditionalAccess/policies/${String(created.body.id)}`, {
      method: 'DELETE',
    });
    assert.equal(deleted.status, 204);
    assert.ok((await entra.signInWithPassword({ user: entra.users.guest })).idToken);
    const invalid = await entra.graph('/identity/conditionalAccess/policies', {
      method: 'POST',
      body: { displayName: 'x' },
    });
    assert.equal(invalid.status, 400);
  });

  it('stores the authentication-flows condition in Graph’s shape and refuses an unknown transfer method', async () => {
    const body = (transferMethods: string) => ({
      displayName: 'Block device code',
      conditions: {
        applications: { includeApplications: ['All'] },
        users: { includeUsers: ['All'] },
        authenticationFlows: { transferMethods },
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    });
    const created = await entra.graph('/identity/conditionalAccess/policies', {
      method: 'POST',
      body: body('deviceCodeFlow,authenticationTransfer'),
    });
    assert.equal(created.status, 201);
    try {
      assert.deepEqual((created.body.conditions as Row).authenticationFlows, {
        transferMethods: 'deviceCodeFlow,authenticationTransfer',
      });
      assert.ok((await entra.signInWithPassword({ user: entra.users.developer })).idToken, 'not device code');
    } finally {
      await entra.graph(`/identity/conditionalAccess/policies/${String(created.body.id)}`, {
        method: 'DELETE',
      });
    }
    const invalid = await entra.graph('/identity/conditionalAccess/policies', {
      method: 'POST',
      body: body('carrierPigeon'),
    });
    assert.equal(invalid.status, 400);
  });

  it('injects 429 with Retry-After, 503 and slow responses', async () => {
    entra.control.setFault({ match: '/v1.0/groups', status: 429, retryAfter: 7, times: 1 });
    const throttled = await entra.graph('/groups?$top=1');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.equal((throttled.body.error as Row).code, 'TooManyRequests');
    assert.equal((await entra.graph('/groups?$top=1')).status, 200, 'the fault was used up');
    entra.control.setFault({ match: 'graph', status: 503, times: 1 });
    assert.equal((await entra.graph('/users?$top=1')).status, 503);
    entra.control.setFault({ match: '/v1.0/users', delayMs: 300, times: 1 });
    const started = Date.now();
    assert.equal((await entra.graph('/users?$top=1')).status, 200);
    assert.ok(Date.now() - started >= 300, 'the response was delayed');
    entra.control.clearFaults();
    assert.ok(entra.control.requestCount('graph') >= 4);
    assert.deepEqual(entra.serverErrors, []);
  });
});
