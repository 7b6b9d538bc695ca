/**
 * One audience per environment, end to end (#14.7): a token captured at one
 * cluster (by an operator, a log pipeline, a webhook there) must not work at
 * another. Two clusters of different environments, each a real kube-apiserver
 * running the AuthenticationConfiguration `kentra cluster config` renders for
 * it, and the emulator as the tenant:
 *
 *   kentra entra setup   -> an app per environment (its client ID: the cluster's
 *                           audience) and the web client as an app of its own
 *   kentra kubeconfig --access --cluster staging, kentra get-token, kubectl
 *                        -> staging accepts the user; the same token -> 401 at prod
 *   policy.allowedClientApps -> a listed client's access token for staging is
 *                           accepted, another app's token for staging's API is refused
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { parse } from 'yaml';
import type { EntraSetupResult } from '../../src/usecases/entra-setup.js';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { kentra } from '../harness/kentra-command.js';
import { kubectl } from '../harness/kubectl.js';
import { adminCliClientId, type EntraWorld, startEntraWorld } from '../helpers/entra-world.js';
import { untilAccepted, whoAmI } from '../helpers/whoami.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const standInBrowser = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;
const portal = 'https://portal.example.test/callback';

describe(`one audience per environment on two real API servers (#14.7) (kentra: ${kentra.name})`, () => {
  let world: EntraWorld;
  let setup: EntraSetupResult;
  /** Client ID of each environment's app, as setup wrote it into clusters[].audience. */
  const audience: Record<'staging' | 'prod', string> = { staging: '', prod: '' };
  const planes: Partial<Record<'staging' | 'prod', ControlPlane>> = {};
  const plane = (name: 'staging' | 'prod') => planes[name] ?? assert.fail(`no ${name} API server`);
  const dev = () => world.user('dev');

  before(async () => {
    world = await startEntraWorld();
    await world.writeAccess(
      { name: 'kentra-envs', web: { redirectUris: [portal], clusters: ['staging'] } },
      undefined,
      {
        clusters: [
          { name: 'staging', environment: 'staging' },
          { name: 'prod', environment: 'production' },
        ],
        policy: { allowedClientApps: [adminCliClientId] },
        rules: [{ group: 'developers', clusterRole: 'view' }],
      },
    );
    const run = await world.kentra(['entra', 'setup', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    setup = JSON.parse(run.stdout) as EntraSetupResult;
    const clusters = parse(await world.readAccess()).clusters as { name: string; audience: string }[];
    for (const cluster of clusters) audience[cluster.name as 'staging' | 'prod'] = cluster.audience;

    // Stored as each starts: after() stops what did start when the other one fails.
    await Promise.all(
      (['staging', 'prod'] as const).map(async (name) => {
        const rendered = await world.kentra(['cluster', 'config', '--cluster', name]);
        assert.equal(rendered.code, 0, rendered.stderr);
        planes[name] = await startControlPlane({ authenticationConfig: rendered.stdout, log: () => {} });
      }),
    );
    // Each API server is ready once it accepts an ID token of its own environment's app.
    await Promise.all(
      (['staging', 'prod'] as const).map(async (name) => {
        const { idToken } = await world.entra.signInWithPassword({ user: dev(), clientId: audience[name] });
        await untilAccepted(plane(name).server, plane(name).caPem, idToken);
      }),
    );
  });

  after(async () => {
    await Promise.all(Object.values(planes).map((started) => started.stop()));
    await world?.stop();
  });

  it('entra setup made an app per environment and the web client as a third app, pre-authorized by staging only', async () => {
    const apps = setup.apps.map((app) => [app.role, app.displayName, app.environment ?? '-', app.clusters]);
    assert.deepEqual(apps, [
      ['cluster', 'kentra-envs-staging', 'staging', ['staging']],
      ['cluster', 'kentra-envs-production', 'production', ['prod']],
      ['web', 'kentra-envs-web', '-', ['staging']],
    ]);
    const [stagingApp, prodApp, webApp] = setup.apps.map((app) => app.appId);
    assert.deepEqual([audience.staging, audience.prod], [stagingApp, prodApp]);
    assert.equal(new Set([stagingApp, prodApp, webApp]).size, 3, 'three distinct client IDs');
    const file = parse(await world.readAccess());
    assert.equal(file.app.web.clientId, webApp);
    assert.deepEqual(file.policy.allowedClientApps, [adminCliClientId, webApp]);
    const preAuthorized = async (appId: string | undefined) => {
      const app = (await world.graph(`/applications(appId='${appId}')`)).body as {
        web: { redirectUris: string[] };
        api: { preAuthorizedApplications: { appId: string }[] };
      };
      assert.deepEqual(app.web.redirectUris, [], 'no web redirect URI on a cluster app');
      return app.api.preAuthorizedApplications.map((entry) => entry.appId);
    };
    assert.deepEqual(await preAuthorized(stagingApp), [webApp]);
    assert.deepEqual(await preAuthorized(prodApp), []);
  });

  it("a token from kentra's kubeconfig for staging works there (kubectl auth whoami) and is refused by prod", async () => {
    const dir = world.dir;
    const kubeconfig = join(dir, 'user.kubeconfig');
    const staging = plane('staging');
    const written = await kentra.run(
      [
        ...['kubeconfig', '--access', world.accessPath, '--cluster', 'staging'],
        ...['--server', staging.server, '--certificate-authority', staging.caFile],
        ...['--kubeconfig', kubeconfig, '--use-context', '--login-hint', dev().username],
        ...['--browser-command', standInBrowser, '--command', kentra.executable],
      ],
      { cwd: dir },
    );
    assert.equal(written.code, 0, written.stderr);
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECACHEDIR: join(dir, 'cache'),
      KENTRA_TEST_USER: dev().username,
      KENTRA_TEST_PASSWORD: dev().password,
      KENTRA_TEST_CA_FILE: world.entra.caFile,
    };
    // The first sign-in as kubectl's plugin would run it (kubectl without a terminal may not open a
    // browser); kubectl then finds the token in the cache.
    const config = parse(await readFile(kubeconfig, 'utf8')) as {
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    const exec = config.users[0]?.user.exec ?? assert.fail('no exec user in the kubeconfig');
    assert.equal(exec.command, kentra.executable);
    const signIn = await kentra.run(exec.args, { cwd: dir, env });
    assert.equal(signIn.code, 0, signIn.stderr);
    assert.doesNotMatch(signIn.stderr, /warning/, 'the token is what the cluster expects');
    const token = (JSON.parse(signIn.stdout) as { status: { token: string } }).status.token;
    assert.equal(decodeJwt(token).aud, audience.staging, "an ID token of staging's app");

    const whoami = await kubectl(kubeconfig, ['auth', 'whoami', '-o', 'json'], { env });
    assert.equal(whoami.code, 0, whoami.stderr);
    const username = (JSON.parse(whoami.stdout) as { status: { userInfo: { username: string } } }).status
      .userInfo.username;
    assert.equal(username, `entra:${decodeJwt(token).oid}`);

    const prod = plane('prod');
    assert.equal((await whoAmI(prod.server, prod.caPem, token)).status, 401, 'replayed at prod: refused');
  });

  it('policy.allowedClientApps holds: a listed client is accepted, another app asking for the same audience is refused', async () => {
    const staging = plane('staging');
    const tokenFor = async (clientId: string) =>
      (
        await world.entra.signInWithPassword({
          user: dev(),
          clientId,
          scope: `${audience.staging}/.default openid profile offline_access`,
        })
      ).accessToken;
    const listed = await tokenFor(adminCliClientId);
    assert.deepEqual([decodeJwt(listed).aud, decodeJwt(listed).azp], [audience.staging, adminCliClientId]);
    assert.equal((await whoAmI(staging.server, staging.caPem, listed)).status, 201);

    // prod's app is a client of the tenant too: its token carries staging's audience but is not on the list.
    const unlisted = await tokenFor(audience.prod);
    assert.deepEqual([decodeJwt(unlisted).aud, decodeJwt(unlisted).azp], [audience.staging, audience.prod]);
    assert.equal((await whoAmI(staging.server, staging.caPem, unlisted)).status, 401);
  });
});
