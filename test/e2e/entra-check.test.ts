/**
 * `kentra entra check` against the emulator's Graph: a hand-made broken app
 * (made directly through Graph, as someone clicking in the portal would) has
 * each of its problems named with a fix; the app `kentra entra setup` made
 * passes (but for the standing cluster-admin group, a warning); and the check
 * sends no write request.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { EntraCheckResult } from '../../src/usecases/entra-check.js';
import { type EntraWorld, startEntraWorld } from '../helpers/entra-world.js';

describe('kentra entra check against the emulator', () => {
  let world: EntraWorld;
  let brokenAppId: string;
  before(async () => {
    world = await startEntraWorld();
    await world.writeAccess();
    const created = await world.graph('/applications', {
      method: 'POST',
      body: {
        displayName: 'hand-made',
        signInAudience: 'AzureADMultipleOrgs',
        spa: { redirectUris: ['http://localhost:8000'] },
        api: { requestedAccessTokenVersion: null },
      },
    });
    assert.equal(created.status, 201);
    brokenAppId = String(created.body.appId);
    const sp = await world.graph('/servicePrincipals', { method: 'POST', body: { appId: brokenAppId } });
    assert.equal(sp.status, 201);
  });
  after(() => world.stop());

  it('names every problem of a hand-made app, with a fix each, and exits 1', async () => {
    const writes = world.writeCount();
    const run = await world.kentra([
      'entra',
      'check',
      '--app-id',
      brokenAppId,
      '--scope',
      'openid',
      'groups',
    ]);
    assert.equal(run.code, 1);
    assert.equal(world.writeCount(), writes, 'check is read-only');
    const codes = [...run.stdout.matchAll(/^\s+(?:ERROR|warning)\s+([a-z-]+)/gm)].map((match) => match[1]);
    assert.deepEqual(codes.sort(), [
      'assignment-not-required',
      'group-claims-missing',
      'groups-scope',
      'loopback-redirect-missing',
      'multi-tenant',
      'offline-access-missing',
      'public-client-flows-disabled',
      'spa-redirect',
      'token-version',
    ]);
    assert.match(run.stdout, /AADSTS650053/);
    assert.match(run.stdout, /AADSTS9002327/);
    assert.match(run.stdout, /fix: Set groupMembershipClaims to SecurityGroup/);
    assert.match(run.stderr, /\[entra\.app\]: app registration "hand-made" has 5 problems/);
  });

  it('-o json lists the findings for scripts', async () => {
    const run = await world.kentra(['entra', 'check', '--app-id', brokenAppId, '-o', 'json']);
    const result = JSON.parse(run.stdout) as EntraCheckResult;
    assert.equal(result.appId, brokenAppId);
    assert.equal(result.fromAccessFile, false);
    const version = result.findings.find((finding) => finding.code === 'token-version');
    assert.equal(version?.field, 'api.requestedAccessTokenVersion');
    assert.equal(version?.severity, 'warning', 'no expectation from kentra.yaml for a foreign app');
  });

  it('passes the app setup made; names a removed assignment and a misspelt group', async () => {
    assert.equal((await world.kentra(['entra', 'setup'])).code, 0);
    const clean = await world.kentra(['entra', 'check', '-o', 'json']);
    assert.equal(clean.code, 0, clean.stderr);
    // Only a warning: platform-admins gets cluster-admin and has a permanent member (this app cannot read PIM).
    const findings = (JSON.parse(clean.stdout) as EntraCheckResult).findings;
    assert.deepEqual(
      findings.map((finding) => `${finding.severity} ${finding.code} ${finding.field}`),
      ['warning standing-admin rules[0]'],
    );
    assert.match(
      findings[0]?.message ?? '',
      /^platform-admins gets cluster-admin-like rights \(ClusterRole cluster-admin cluster-wide\) and has 1 permanent member\(s\) \(PIM not readable/,
    );

    const app = (
      await world.graph(`/applications?$filter=${encodeURIComponent("displayName eq 'kentra-e2e'")}`)
    ).body.value as { appId: string }[];
    const sp = (await world.graph(`/servicePrincipals(appId='${app[0]?.appId}')`)).body;
    const assigned = (await world.graph(`/servicePrincipals/${sp.id}/appRoleAssignedTo`)).body.value as {
      id: string;
      principalDisplayName: string;
    }[];
    const developers = assigned.find((item) => item.principalDisplayName === 'developers');
    await world.graph(`/servicePrincipals/${sp.id}/appRoleAssignedTo/${developers?.id}`, {
      method: 'DELETE',
    });
    const run = await world.kentra(['entra', 'check']);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /group-not-assigned .*\n.*group developers \([0-9a-f-]{36}\) is named in the access rules/,
    );

    const text = await world.readAccess();
    await writeFile(world.accessPath, `${text}  - group: platfrom-admins\n    clusterRole: view\n`);
    const unknown = await world.kentra(['entra', 'check']);
    assert.match(
      unknown.stdout,
      /group-unknown {2}\[rules\[2\]\.group\]\n.*no Entra group named "platfrom-admins" \(did you mean "platform-admins"/,
    );
  });
});
