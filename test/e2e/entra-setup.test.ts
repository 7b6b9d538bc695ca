/**
 * `kentra entra setup` against the emulator's Microsoft Graph, authenticated
 * with @azure/identity (client secret from the environment, the emulator as
 * authority host, its CA trusted through tlsOptions): dry run, creation on
 * an empty tenant, sign-in of an assigned and an unassigned user, a second
 * run that changes nothing, drift shown as a diff, throttling, a failure
 * halfway completed by the next run, the web client as an app of its own
 * (#14.7), and a missing permission named. Two environments on two real
 * API servers: test/e2e/cluster-audiences.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { parse, stringify } from 'yaml';
import type { AppSetup, EntraSetupResult } from '../../src/usecases/entra-setup.js';
import { type EntraWorld, noAssign, readOnly, startEntraWorld, tenantId } from '../helpers/entra-world.js';

describe('kentra entra setup against the emulator', () => {
  let world: EntraWorld;
  before(async () => {
    world = await startEntraWorld();
  });
  after(() => world.stop());

  const setup = async (...args: string[]) => {
    const run = await world.kentra(['entra', 'setup', '-o', 'json', ...args]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as EntraSetupResult;
    return { ...run, result, app: clusterApp(result) };
  };
  /** The one cluster app of a file whose clusters name no environment. */
  const clusterApp = (result: EntraSetupResult): AppSetup => {
    const [app, ...more] = result.apps.filter((entry) => entry.role === 'cluster');
    assert.ok(app && more.length === 0, JSON.stringify(result.apps));
    return app;
  };
  const appsNamed = async (name: string) =>
    (await world.graph(`/applications?$filter=${encodeURIComponent(`displayName eq '${name}'`)}`)).body
      .value as {
      appId: string;
      id: string;
    }[];

  it('--dry-run on an empty tenant prints the requests and sends no write', async () => {
    const before = await world.writeAccess();
    const writes = world.writeCount();
    const reads = world.entra.control.requestCount('graph GET');
    const run = await world.kentra(['entra', 'setup', '--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(world.writeCount(), writes, 'no POST/PATCH/DELETE reached Graph');
    assert.ok(world.entra.control.requestCount('graph GET') > reads, 'it did read');
    assert.match(run.stdout, /POST \/applications {3}# create the app registration/);
    assert.match(run.stdout, /"signInAudience":"AzureADMyOrg"/);
    assert.match(run.stdout, /"publicClient":\{"redirectUris":\["http:\/\/localhost"\]\}/);
    assert.match(run.stdout, /POST \/servicePrincipals {3}/);
    assert.match(
      run.stdout,
      /PATCH \/servicePrincipals\/\{new-service-principal-id:kentra-e2e\}.*\n.*"appRoleAssignmentRequired":true/,
    );
    assert.match(run.stdout, /group platform-admins \([0-9a-f-]{36}\): would assign/);
    assert.match(run.stdout, /Dry run: nothing was changed/);
    assert.equal(await world.readAccess(), before, 'kentra.yaml untouched');
    assert.deepEqual(await appsNamed('kentra-e2e'), []);
  });

  it('creates the app on an empty tenant (retrying a 429), writes the client ID back with comments kept', async () => {
    world.entra.control.setFault({
      match: '/v1.0/applications',
      method: 'POST',
      status: 429,
      retryAfter: 0,
      times: 2,
    });
    const { result, app: created, stderr } = await setup();
    assert.match(stderr, /Graph answered 429 for \/v1\.0\/applications; retry 1/);
    assert.equal(created.created, true);
    assert.equal(result.changed, true);
    const apps = await appsNamed('kentra-e2e');
    assert.equal(apps.length, 1, 'exactly one app despite the retries');
    assert.equal(created.appId, apps[0]?.appId);
    assert.deepEqual(created.groups.map((group) => [group.group, group.status]).sort(), [
      ['developers', 'assigned'],
      ['platform-admins', 'assigned'],
    ]);
    const text = await world.readAccess();
    assert.equal(parse(text).app.clientId, created.appId);
    assert.match(text, /# the e2e tenant/);
    assert.match(text, /# cluster admins/);

    const app = (await world.graph(`/applications(appId='${created.appId}')`)).body;
    assert.equal(app.signInAudience, 'AzureADMyOrg');
    assert.equal(app.groupMembershipClaims, 'SecurityGroup');
    assert.equal(app.isFallbackPublicClient, true);
    assert.deepEqual(
      app.api && (app.api as { requestedAccessTokenVersion: number }).requestedAccessTokenVersion,
      2,
    );
    const sp = (await world.graph(`/servicePrincipals(appId='${created.appId}')`)).body;
    assert.equal(sp.appRoleAssignmentRequired, true);
  });

  it('lets an assigned group member sign in, and refuses a user in no assigned group with AADSTS50105', async () => {
    const clientId = String(parse(await world.readAccess()).app.clientId);
    const tokens = await world.entra.signInWithPassword({ user: world.user('ada'), clientId });
    const claims = decodeJwt(tokens.idToken);
    assert.equal(claims.aud, clientId);
    assert.ok(
      (claims.groups as string[]).includes(world.entra.groups['platform-admins'] ?? ''),
      'the groups claim carries the group (groupMembershipClaims: SecurityGroup)',
    );
    for (const outsider of ['nico', 'otto'] as const)
      await assert.rejects(
        world.entra.signInWithPassword({ user: world.user(outsider), clientId }),
        /AADSTS50105: .*kentra-e2e/,
      );
  });

  it('a second run changes nothing and says so', async () => {
    const writes = world.writeCount();
    const { result } = await setup();
    assert.equal(result.changed, false);
    assert.deepEqual(result.requests, []);
    assert.equal(world.writeCount(), writes);
    const table = await world.kentra(['entra', 'setup']);
    assert.match(table.stdout, /No changes: the app registrations match kentra\.yaml\./);
    assert.match(table.stdout, /group developers \([0-9a-f-]{36}\): already assigned/);
    assert.match(
      table.stdout,
      /Only members of developers, platform-admins can get a token; anyone else gets AADSTS50105/,
    );
  });

  it('shows portal edits as a diff and puts them back', async () => {
    const clientId = String(parse(await world.readAccess()).app.clientId);
    const [app] = await appsNamed('kentra-e2e');
    await world.graph(`/applications/${app?.id}`, {
      method: 'PATCH',
      body: { groupMembershipClaims: 'All', api: { requestedAccessTokenVersion: 1 } },
    });
    const dry = await world.kentra(['entra', 'setup', '--dry-run']);
    assert.match(dry.stdout, /- groupMembershipClaims: "All"\n\s+\+ groupMembershipClaims: "SecurityGroup"/);
    assert.match(
      dry.stdout,
      /- api\.requestedAccessTokenVersion: 1\n\s+\+ api\.requestedAccessTokenVersion: 2/,
    );
    const { result } = await setup();
    assert.deepEqual(
      result.requests.map((request) => [request.method, request.path]),
      [['PATCH', `/applications/${app?.id}`]],
    );
    const fixed = (await world.graph(`/applications(appId='${clientId}')`)).body;
    assert.equal(fixed.groupMembershipClaims, 'SecurityGroup');
    assert.equal((await setup()).result.changed, false);
  });

  it('a failure halfway (503 on the assignments beyond the retry budget) is completed by a clean rerun', async () => {
    await world.writeAccess({ name: 'kentra-halfway' });
    world.entra.control.setFault({
      match: '/v1.0/servicePrincipals/',
      method: 'POST',
      status: 503,
      retryAfter: 0,
      times: 6,
    });
    const failed = await world.kentra(['entra', 'setup']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /POST \/v1\.0\/servicePrincipals\/[0-9a-f-]+\/appRoleAssignedTo: 503/);
    world.entra.control.clearFaults();
    const [app] = await appsNamed('kentra-halfway');
    assert.ok(app, 'the app was created before the failure');
    const sp = (await world.graph(`/servicePrincipals(appId='${app.appId}')`)).body;
    assert.equal(
      sp.appRoleAssignmentRequired,
      true,
      'the half-done state fails closed: nobody gets a token yet',
    );
    const { app: rerun } = await setup();
    assert.equal(rerun.created, false, 'the rerun found the app the failed run created');
    assert.deepEqual(rerun.groups.map((group) => group.status).sort(), ['assigned', 'assigned']);
    assert.equal(rerun.appId, app.appId);
    assert.equal((await appsNamed('kentra-halfway')).length, 1);
    assert.equal((await setup()).result.changed, false);
  });

  it('registers the web client as an app of its own: a secret once (stdout only), then a federated credential once; moves an old web client off the cluster app', async () => {
    // An older setup put the web client on the cluster app: its redirect URI and the kentra-web secret.
    await world.writeAccess({ name: 'kentra-portal' });
    const { app: cluster } = await setup();
    const [old] = await appsNamed('kentra-portal');
    await world.graph(`/applications/${old?.id}`, {
      method: 'PATCH',
      body: { web: { redirectUris: ['https://portal.example.test/old'] } },
    });
    await world.graph(`/applications/${old?.id}/addPassword`, {
      method: 'POST',
      body: { passwordCredential: { displayName: 'kentra-web' } },
    });

    const web = { redirectUris: ['https://portal.example.test/callback'], credential: 'secret' };
    await world.writeAccess({ name: 'kentra-portal', clientId: cluster.appId, web });
    const run = await world.kentra(['entra', 'setup']);
    assert.equal(run.code, 0, run.stderr);
    const secret = /client secret kentra-web .*:\n\s+(\S+)\n\s+shown once/.exec(run.stdout)?.[1] ?? '';
    assert.ok(secret.length >= 16, run.stdout);
    assert.doesNotMatch(run.stderr, new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(
      run.stdout,
      /moved to the web client's own app: client secret kentra-web removed from kentra-portal/,
    );
    assert.match(
      run.stdout,
      /moved to the web client's own app: web redirect URIs removed from kentra-portal/,
    );
    const written = parse(await world.readAccess());
    const webClientId = String(written.app.web.clientId);
    assert.notEqual(webClientId, cluster.appId);
    assert.deepEqual(
      (await appsNamed('kentra-portal-web')).map((app) => app.appId),
      [webClientId],
    );
    const clusterApp = (await world.graph(`/applications(appId='${cluster.appId}')`)).body;
    assert.deepEqual((clusterApp.web as { redirectUris: string[] }).redirectUris, []);
    assert.deepEqual(clusterApp.passwordCredentials, [], 'no credential left on the cluster app');
    const webApp = (await world.graph(`/applications(appId='${webClientId}')`)).body;
    assert.deepEqual((webApp.web as { redirectUris: string[] }).redirectUris, web.redirectUris);
    const token = await world.entra.fetchJson(`${world.entra.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: webClientId,
        client_secret: secret,
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    assert.equal(token.status, 200, "the secret works at the token endpoint, as the web client's");
    const again = await setup();
    assert.equal(again.result.changed, false, 'no second secret');
    assert.equal(again.result.secret, undefined);
    await world.entra.signInWithPassword({ user: world.user('ada'), clientId: cluster.appId });

    written.app.web = {
      ...written.app.web,
      credential: 'federated',
      federatedCredential: {
        name: 'portal',
        issuer: 'https://issuer.example.test',
        subject: 'system:serviceaccount:portal:web',
      },
    };
    await writeFile(world.accessPath, stringify(written));
    const federated = await setup();
    assert.deepEqual(
      federated.result.requests.map((request) => [request.method, request.path]),
      [['POST', `/applications/${String(webApp.id)}/federatedIdentityCredentials`]],
    );
    const list = (await world.graph(`/applications/${String(webApp.id)}/federatedIdentityCredentials`)).body
      .value;
    assert.deepEqual(
      (list as { name: string; audiences: string[] }[]).map((c) => [c.name, c.audiences]),
      [['portal', ['api://AzureADTokenExchange']]],
    );
    assert.equal((await setup()).result.changed, false);
  });

  it('an identity without AppRoleAssignment.ReadWrite.All stops at the assignments; a rerun with it completes', async () => {
    await world.writeAccess({ name: 'kentra-consent' });
    const denied = await world.kentra(['entra', 'setup'], noAssign);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /\[entra\.permission\]: Microsoft Graph refused to assign group \S+ to kentra-consent: .*lacks AppRoleAssignment\.ReadWrite\.All/,
    );
    assert.match(denied.stderr, /Grant admin consent/);
    const { result, app } = await setup();
    assert.equal(app.created, false);
    assert.deepEqual(
      result.requests.map((request) => request.summary).sort(),
      ['assign group developers to kentra-consent', 'assign group platform-admins to kentra-consent'],
      'only the steps the first run could not do',
    );
  });

  it('fills in a placeholder tenant from the token, and refuses to work in another tenant than the file names', async () => {
    await world.writeAccess({ name: 'kentra-tenant' }, '00000000-0000-0000-0000-000000000000');
    const token = { KENTRA_GRAPH_TOKEN: await world.graphToken() };
    const run = await world.kentra(['entra', 'setup'], undefined, token);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`wrote into the access file: tenant\\.id ${tenantId}, app\\.clientId `),
    );
    const text = await world.readAccess();
    assert.equal(parse(text).tenant.id, tenantId);
    assert.match(text, /# the e2e tenant/, 'comments kept');

    await world.writeAccess({ name: 'kentra-tenant' }, '11111111-2222-4333-8444-555555555555');
    const writes = world.writeCount();
    const wrong = await world.kentra(['entra', 'setup'], undefined, token);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      new RegExp(
        `signed in to tenant ${tenantId}, but kentra.yaml names tenant 11111111-2222-4333-8444-555555555555`,
      ),
    );
    assert.equal(world.writeCount(), writes, 'nothing written in the wrong tenant');
  });

  it('names the missing Graph permission and the admin-consent step', async () => {
    await world.writeAccess({ name: 'kentra-denied' });
    const run = await world.kentra(['entra', 'setup'], readOnly);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\[entra\.permission\].*lacks Application\.ReadWrite\.All/);
    assert.match(run.stderr, /Grant admin consent/);
    assert.doesNotMatch(run.stderr, new RegExp(readOnly.secret));
  });
});
