/**
 * The acceptance list of issue #3, each checked through a real client where one applies:
 * overage for the >200-groups user; AADSTS50057 / 50105 / 53003 as msal-node sees them; every
 * issued token in Graph's auditLogs/signIns with its uti; Entra-shaped errors (never a stack
 * trace) for bad seed files, unknown tenants and malformed requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AuthenticationResult, PublicClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { KentraError } from '../../src/errors.js';
import { type DemoUser, type EmulatorHandle, startEmulator } from '../harness/emulator.js';

type Row = Record<string, unknown>;

describe('emulator acceptance (issue #3)', () => {
  let entra: EmulatorHandle;
  const utis: string[] = [];

  before(async () => {
    entra = await startEmulator();
  });
  after(() => entra.stop());

  async function interactive(user: DemoUser, clientId = entra.clientId): Promise<AuthenticationResult> {
    const pca = new PublicClientApplication({
      auth: { clientId, authority: entra.authority, knownAuthorities: [new URL(entra.url).host] },
      system: { networkClient: entra.networkClient },
    });
    const result = await pca.acquireTokenInteractive({
      scopes: ['User.Read'],
      openBrowser: async (url) => {
        void entra
          .browser()
          .signIn(url, { username: user.upn, password: user.password, mfaCode: user.mfaCode })
          .catch(() => undefined);
      },
    });
    utis.push(String(decodeJwt(result.accessToken).uti));
    return result;
  }

  it('gives the user in more than 200 groups the overage form instead of groups', async () => {
    const result = await interactive(entra.users.manyGroups);
    const claims = result.idTokenClaims as Row;
    assert.equal(claims.groups, undefined);
    assert.deepEqual(claims._claim_names, { groups: 'src1' });
    const ordinary = await interactive(entra.users.developer);
    assert.equal(((ordinary.idTokenClaims as Row).groups as string[]).length, 2);
  });

  it('refuses the disabled user (50057), the unassigned user (50105) and a CA-blocked sign-in (53003)', async () => {
    await assert.rejects(interactive(entra.users.disabled), /AADSTS50057/);
    await assert.rejects(interactive(entra.users.developer, entra.restrictedClientId), /AADSTS50105/);
    const policy = entra.control.addConditionalAccessPolicy({
      displayName: 'Block the dashboard',
      includeApplications: [entra.otherClientId],
      includeUsers: ['All'],
      grant: 'block',
    });
    try {
      await assert.rejects(interactive(entra.users.admin, entra.otherClientId), /AADSTS53003/);
    } finally {
      entra.control.removeConditionalAccessPolicy(policy);
    }
  });

  it('lists every issued token in auditLogs/signIns with its uniqueTokenIdentifier', async () => {
    const refreshed = await entra.signInWithPassword({ user: entra.users.guest });
    utis.push(String(decodeJwt(refreshed.accessToken).uti));
    utis.push(String(decodeJwt(await entra.graphToken()).uti));
    const types = ['interactiveUser', 'nonInteractiveUser', 'servicePrincipal']
      .map((t) => `signInEventTypes/any(t: t eq '${t}')`)
      .join(' or ');
    const logged = new Set<unknown>();
    let next: string | undefined = `/auditLogs/signIns?$top=50&$filter=${encodeURIComponent(types)}`;
    while (next) {
      const page = await entra.graph(next, { version: 'beta' });
      assert.equal(page.status, 200);
      for (const row of page.body.value as Row[]) logged.add(row.uniqueTokenIdentifier);
      next = page.body['@odata.nextLink'] as string | undefined;
    }
    assert.ok(utis.length >= 4);
    for (const uti of utis) assert.ok(logged.has(uti), `token ${uti} is in the sign-in log`);
    const failures = entra.control
      .signIns()
      .filter((s) => (s.status as { errorCode: number }).errorCode !== 0);
    assert.deepEqual(
      new Set(failures.map((s) => (s.status as { errorCode: number }).errorCode)),
      new Set([50057, 50105, 53003]),
    );
  });

  it('rejects a bad seed file with the field path, never a stack trace', async () => {
    const seed =
      'tenants:\n  - domain: contoso.example\n    users:\n      - {userPrincipalName: a@contoso.example, password: x, memberOf: [ops]}\n';
    await assert.rejects(startEmulator({ seed }), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.match(error.message, /tenants\[0\]\.users\[0\]\.memberOf\[0\]: no group named "ops"/);
      assert.doesNotMatch(error.message, /\n\s+at /);
      return true;
    });
  });

  it('answers unknown tenants and malformed requests with Entra-shaped errors', async () => {
    const cases: {
      url: string;
      init?: { method?: string; headers?: Record<string, string>; body?: string };
      code: number;
    }[] = [
      { url: `${entra.url}/contoso.example/v2.0/.well-known/openid-configuration`, code: 90002 },
      {
        url: `${entra.url}/nope/oauth2/v2.0/token`,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        },
        code: 90002,
      },
      {
        url: `${entra.url}/${entra.tenantId}/oauth2/v2.0/token`,
        init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '%%%' },
        code: 9002313,
      },
      {
        url: `${entra.url}/${entra.tenantId}/oauth2/v2.0/token`,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'x'.repeat(1_100_000),
        },
        code: 9002313,
      },
      {
        url: `${entra.url}/${entra.tenantId}/oauth2/v2.0/devicecode`,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `client_id=${entra.clientId}&scope=api://unknown/x`,
        },
        code: 500011,
      },
      { url: `${entra.url}/${entra.tenantId}/no/such/endpoint`, code: 9002313 },
      { url: `${entra.url}/%E0%A4%A/v2.0/.well-known/openid-configuration`, code: 90002 },
    ];
    for (const c of cases) {
      const response = await entra.fetchJson(c.url, c.init);
      const body = response.body as Row;
      assert.ok(response.status >= 400 && response.status < 500, `${c.url}: ${response.status}`);
      assert.deepEqual(body.error_codes, [c.code], c.url);
      assert.match(String(body.error_description), new RegExp(`^AADSTS${c.code}: .*\\r\\nTrace ID: `, 's'));
      for (const field of ['timestamp', 'trace_id', 'correlation_id'])
        assert.ok(body[field], `${field} in ${c.url}`);
      assert.doesNotMatch(JSON.stringify(body), /\.ts:\d+|\bat \S+ \(/, 'no stack trace');
    }
    const graph = await entra.graph('/users/%E0%A4%A');
    assert.equal(graph.status, 400);
    assert.equal((graph.body.error as Row).code, 'BadRequest');
    assert.deepEqual(entra.serverErrors, []);
  });
});
