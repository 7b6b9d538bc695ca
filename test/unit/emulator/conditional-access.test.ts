import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateConditionalAccess,
  requestedAuthContexts,
} from '../../../src/emulator/conditional-access.js';
import { Directory } from '../../../src/emulator/directory.js';
import { tenantsFromSeedText } from '../../../src/emulator/seed.js';

const seed = `
tenants:
  - domain: contoso.example
    users:
      - {userPrincipalName: ann@contoso.example, password: x, memberOf: [ops]}
      - {userPrincipalName: guest@contoso.example, password: x, userType: Guest}
    groups: [{displayName: ops}]
    applications: [{displayName: app, appId: 11111111-2222-4333-8444-555555555555}]
    namedLocations: [{displayName: office, isTrusted: true, ipRanges: [{cidrAddress: 10.1.0.0/16}, {cidrAddress: "2001:db8::/32"}]}]
    conditionalAccessPolicies:
      - displayName: mfa for ops outside the office
        conditions:
          applications: {includeApplications: [app]}
          users: {includeGroups: [ops]}
          locations: {includeLocations: [All], excludeLocations: [AllTrusted]}
        grantControls: {builtInControls: [mfa]}
      - displayName: block guests
        conditions: {applications: {includeApplications: [All]}, users: {includeUsers: [GuestsOrExternalUsers]}}
        grantControls: {builtInControls: [block]}
      - displayName: report-only block everyone
        state: enabledForReportingButNotEnforced
        conditions: {applications: {includeApplications: [All]}, users: {includeUsers: [All]}}
        grantControls: {builtInControls: [block]}
      - displayName: step-up c2
        conditions: {applications: {includeAuthenticationContextClassReferences: [c2]}, users: {includeUsers: [All]}}
        grantControls: {builtInControls: [mfa]}
      - displayName: block device code for ops
        conditions:
          applications: {includeApplications: [All]}
          users: {includeGroups: [ops]}
          authenticationFlows: {transferMethods: deviceCodeFlow}
        grantControls: {builtInControls: [block]}
`;

describe('Conditional Access evaluation', () => {
  const tenants = tenantsFromSeedText(seed, 'ca.yaml');
  const directory = new Directory(tenants, () => 0);
  const tenant = directory.defaultTenant;
  const ann = directory.findUser('ann@contoso.example')?.user;
  const guest = directory.findUser('guest@contoso.example')?.user;
  const appId = '11111111-2222-4333-8444-555555555555';
  const evaluate = (
    user: typeof ann,
    ip: string,
    extra: { mfaDone?: boolean; requestedAcrs?: string[]; transferMethod?: 'deviceCodeFlow' } = {},
  ) =>
    evaluateConditionalAccess(directory, tenant, {
      user,
      appIds: [appId],
      ip,
      requestedAcrs: extra.requestedAcrs ?? [],
      mfaDone: extra.mfaDone ?? false,
      ...(extra.transferMethod ? { transferMethod: extra.transferMethod } : {}),
    });

  it('asks for MFA outside trusted locations (IPv4 and IPv6 ranges) and not inside', () => {
    assert.equal(evaluate(ann, '192.0.2.1').mfaRequired, true);
    assert.equal(evaluate(ann, '10.1.2.3').mfaRequired, false);
    assert.equal(evaluate(ann, '2001:db8::1').mfaRequired, false);
    const done = evaluate(ann, '192.0.2.1', { mfaDone: true });
    assert.equal(done.mfaRequired, false);
    assert.equal(done.status, 'success');
  });

  it('blocks guests, and report-only policies are logged but not enforced', () => {
    const outcome = evaluate(guest, '10.1.2.3');
    assert.equal(outcome.blocked?.displayName, 'block guests');
    assert.equal(outcome.status, 'failure');
    const reportOnly = evaluate(ann, '10.1.2.3').applied.find(
      (p) => p.displayName === 'report-only block everyone',
    );
    assert.equal(reportOnly?.result, 'reportOnlyFailure');
    assert.equal(evaluate(ann, '10.1.2.3').blocked, undefined);
  });

  it('satisfies a requested authentication context only after MFA', () => {
    assert.deepEqual(evaluate(ann, '10.1.2.3', { requestedAcrs: ['c2'] }).satisfiedAcrs, []);
    assert.equal(evaluate(ann, '10.1.2.3', { requestedAcrs: ['c2'] }).mfaRequired, true);
    assert.deepEqual(evaluate(ann, '10.1.2.3', { requestedAcrs: ['c2'], mfaDone: true }).satisfiedAcrs, [
      'c2',
    ]);
    assert.deepEqual(
      evaluate(ann, '10.1.2.3', { requestedAcrs: ['c9'] }).satisfiedAcrs,
      ['c9'],
      'no policy: trivially satisfied',
    );
  });

  it('applies an authentication-flows policy to device code sign-ins only', () => {
    const deviceCode = evaluate(ann, '10.1.2.3', { transferMethod: 'deviceCodeFlow' });
    assert.equal(deviceCode.blocked?.displayName, 'block device code for ops');
    const browser = evaluate(ann, '10.1.2.3');
    assert.equal(browser.blocked, undefined);
    assert.equal(
      browser.applied.find((p) => p.displayName === 'block device code for ops')?.result,
      'notApplied',
    );
  });

  it('reads auth contexts from a claims request and ignores garbage', () => {
    assert.deepEqual(requestedAuthContexts('{"access_token":{"acrs":{"essential":true,"value":"C1"}}}'), [
      'c1',
    ]);
    assert.deepEqual(requestedAuthContexts('{"access_token":{"acrs":{"values":["c3","c99"]}}}'), ['c3']);
    assert.deepEqual(requestedAuthContexts('not json'), []);
    assert.deepEqual(requestedAuthContexts(undefined), []);
  });
});
