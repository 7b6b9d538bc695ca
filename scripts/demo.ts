/**
 * The README's first command: kentra's whole job, end to end, on this machine
 * alone. Each issue that lands adds its step here, so the demo always shows the
 * product as it stands.
 *
 *   npm run demo            run every step and stop everything at the end
 *   npm run demo -- --keep  leave the control plane running until Ctrl-C
 *
 * KENTRA_TEST_COMMAND=binary runs every kentra command of the demo with the
 * compiled single-file executable instead of the Node entry.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { setAccessFileField } from '../src/domain/access/edit.js';
import { type ControlPlane, startControlPlane } from '../test/harness/control-plane.js';
import { type DemoUser, startEmulator } from '../test/harness/emulator.js';
import { kentra as kentraCommand } from '../test/harness/kentra-command.js';
import { assertKubectlInstalled, kubectl } from '../test/harness/kubectl.js';
import { pimWorldOn, webhookRuleGroups } from '../test/harness/pim-world.js';
import {
  access,
  grantView,
  msUntilDenied,
  startWebhookWorld,
  type WebhookWorld,
} from '../test/harness/webhook-world.js';
import { tokenKubeconfig } from '../test/helpers/token-kubeconfig.js';

const keep = process.argv.includes('--keep');
const say = (text: string) => console.log(`\n== ${text}`);
const show = (label: string, result: { code: number; stdout: string; stderr: string }) =>
  console.log(`$ ${label}\n${(result.stdout || result.stderr).trimEnd()}  [exit ${result.code}]`);

assertKubectlInstalled();
say('1. A real Kubernetes control plane (etcd + kube-apiserver built from upstream Go modules)');
const cluster = await startControlPlane({ log: (line) => console.log(line) });
try {
  const admin = cluster.adminKubeconfig;
  show('kubectl get --raw /version', await kubectl(admin, ['get', '--raw', '/version']));

  say('2. RBAC is live: alice may read one configmap in team-a and nothing else');
  await kubectl(admin, ['create', 'namespace', 'team-a']);
  await kubectl(admin, ['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=colour=blue']);
  await kubectl(admin, ['create', 'role', 'reader', '-n', 'team-a', '--verb=get', '--resource=configmaps']);
  await kubectl(admin, [
    'create',
    'rolebinding',
    'alice-reader',
    '-n',
    'team-a',
    '--role=reader',
    '--user=alice',
  ]);
  const alice = await cluster.userKubeconfig('alice');
  show(
    'kubectl auth can-i get configmaps -n team-a   (as alice)',
    await kubectl(alice, ['auth', 'can-i', 'get', 'configmaps', '-n', 'team-a']),
  );
  show(
    'kubectl get configmap settings -n team-a      (as alice, allowed)',
    await kubectl(alice, ['get', 'configmap', 'settings', '-n', 'team-a']),
  );
  show(
    'kubectl get configmaps -n team-a              (as alice, denied)',
    await kubectl(alice, ['get', 'configmaps', '-n', 'team-a']),
  );

  say('3. Every request is audited');
  const events = (await readFile(cluster.auditLogPath, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as {
          user: { username: string };
          verb: string;
          objectRef?: { resource?: string; namespace?: string };
          annotations?: Record<string, string>;
        },
    )
    .filter((event) => event.user.username === 'alice' && event.objectRef?.resource);
  for (const event of events) {
    const decision = event.annotations?.['authorization.k8s.io/decision'] ?? '?';
    console.log(
      `  ${event.user.username} ${event.verb} ${event.objectRef?.resource ?? ''} -n ${event.objectRef?.namespace ?? ''} -> ${decision}`,
    );
  }

  say('4. A local Entra ID: the emulator signs Alex in (auth code + PKCE on its sign-in page)');
  const entra = await startEmulator();
  const work = await mkdtemp(join(tmpdir(), 'kentra-demo-'));
  let entraCluster: ControlPlane | undefined;
  try {
    console.log(`  issuer ${entra.issuer}\n  CA     ${entra.caFile}`);
    const tokens = await entra.signInWithPassword({ user: entra.users.admin });
    const claims = decodeJwt(tokens.idToken);
    const names = new Map(Object.entries(entra.groups).map(([name, id]) => [id, name]));
    console.log('  ID token claims (the token itself is not shown):');
    for (const key of ['iss', 'aud', 'oid', 'preferred_username', 'tid', 'sid', 'uti', 'ver']) {
      console.log(`    ${key.padEnd(18)} ${String(claims[key])}`);
    }
    const groups = (claims.groups as string[] | undefined) ?? [];
    console.log(
      `    ${'groups'.padEnd(18)} ${groups.map((id) => `${id} (${names.get(id) ?? '?'})`).join(', ')}`,
    );
    const signIn = entra.control.signIns().find((s) => s.uniqueTokenIdentifier === claims.uti);
    console.log(
      `  sign-in log: ${String(signIn?.userPrincipalName)} via ${String(signIn?.appDisplayName)} from ${String(signIn?.ipAddress)}, uniqueTokenIdentifier = uti`,
    );

    say('5. kentra.yaml: tenant, app, clusters, policy and "Entra group -> role" rules in one file');
    await writeFile(join(work, 'entra-ca.pem'), entra.caPem);
    let kubeconfig = admin;
    const env = { ...process.env, KENTRA_GRAPH_TOKEN: await entra.graphToken() };
    const kentra = (args: string[]) =>
      kentraCommand.run(args, { env: { ...env, KUBECONFIG: kubeconfig }, cwd: work });
    show(
      'kentra init --tenant <tenant> --client-id <app> --authority <emulator> --graph <emulator>',
      await kentra([
        'init',
        '--tenant',
        entra.tenantId,
        '--client-id',
        entra.clientId,
        '--authority',
        entra.url,
        '--graph',
        entra.url,
      ]),
    );
    // Later edits keep the file's comments (yaml Document API): trust the emulator's CA, name the demo groups.
    let text = await readFile(join(work, 'kentra.yaml'), 'utf8');
    text = setAccessFileField(text, ['tenant', 'certificateAuthorityFile'], 'entra-ca.pem');
    text = setAccessFileField(text, ['clusters', 0, 'kubernetesVersion'], '1.36');
    text = setAccessFileField(text, ['rules', 0, 'group'], 'platform-admins');
    text = setAccessFileField(text, ['rules', 1, 'clusterRole'], 'configmap-editor');
    await writeFile(join(work, 'kentra.yaml'), text);
    console.log(text.slice(text.indexOf('# Entra group')).trimEnd());

    say('6. The app registration for the cluster, through Microsoft Graph (kentra entra setup)');
    show("kentra entra check   (the demo tenant's app, made by hand)", await kentra(['entra', 'check']));
    show('kentra entra setup', await kentra(['entra', 'setup']));
    show('kentra entra setup   (again: nothing to do)', await kentra(['entra', 'setup']));

    say('7. The API server side: AuthenticationConfiguration with CEL policy rules (kentra cluster config)');
    const config = await kentra(['cluster', 'config']);
    show('kentra cluster config', config);
    entraCluster = await startControlPlane({ authenticationConfig: config.stdout, log: () => {} });
    kubeconfig = entraCluster.adminKubeconfig;
    console.log(`(a second kube-apiserver now runs with that file: ${entraCluster.server})`);

    say('8. RBAC from Entra groups: names resolved through Microsoft Graph, plan, apply');
    await kubectl(kubeconfig, [
      'create',
      'clusterrole',
      'configmap-editor',
      '--verb=get,list,create',
      '--resource=configmaps',
    ]);
    show('kentra rbac plan', await kentra(['rbac', 'plan']));
    show('kentra rbac apply', await kentra(['rbac', 'apply']));
    show('kentra rbac plan   (again: nothing to do)', await kentra(['rbac', 'plan']));

    say('9. Users sign in through Entra (the emulator) and get exactly what their groups grant');
    const cluster2 = entraCluster;
    const asUser = async (user: DemoUser) => {
      const { idToken } = await entra.signInWithPassword({ user });
      const path = join(work, `${user.upn.split('@')[0]}.kubeconfig`);
      await writeFile(path, tokenKubeconfig(cluster2.server, cluster2.caPem, idToken), { mode: 0o600 });
      // The API server fetches the issuer's discovery in the background; wait for it once.
      for (let i = 0; i < 100 && (await kubectl(path, ['auth', 'whoami'])).code !== 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 300));
      return path;
    };
    const developer = await asUser(entra.users.developer);
    show(
      'kubectl auth whoami                                  (Devi, in developers)',
      await kubectl(developer, ['auth', 'whoami']),
    );
    show(
      'kubectl auth can-i create configmaps -n default      (Devi)',
      await kubectl(developer, ['auth', 'can-i', 'create', 'configmaps', '-n', 'default']),
    );
    show(
      'kubectl auth can-i delete configmaps -n default      (Devi)',
      await kubectl(developer, ['auth', 'can-i', 'delete', 'configmaps', '-n', 'default']),
    );
    // Partners (the viewers group) may sign in to the app, but the cluster's policy denies guests.
    const app = await entra.graph(`/servicePrincipals?$filter=appId eq '${entra.clientId}'`);
    const servicePrincipalId = (app.body as { value: { id: string }[] }).value[0]?.id;
    await entra.graph(`/servicePrincipals/${servicePrincipalId}/appRoleAssignedTo`, {
      method: 'POST',
      body: {
        principalId: entra.groups.viewers,
        resourceId: servicePrincipalId,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      },
    });
    const guestToken = (await entra.signInWithPassword({ user: entra.users.guest })).idToken;
    const guest = join(work, 'guest.kubeconfig');
    await writeFile(guest, tokenKubeconfig(cluster2.server, cluster2.caPem, guestToken), { mode: 0o600 });
    show(
      'kubectl auth whoami                                  (Gus, a B2B guest: policy denyGuests)',
      await kubectl(guest, ['auth', 'whoami']),
    );
    // entra setup required assignment: someone in no assigned group does not even get a token.
    const refused = await asUser(entra.users.noGroups).catch((error: Error) => error.message.split('\n')[0]);
    console.log(`$ sign-in as Nico (in no group)\n${String(refused).slice(0, 150)}`);

    say('10. The audit trail: each Kubernetes action joined to the exact Entra sign-in (uti), with its IP');
    show(
      'kentra audit --k8s-audit audit.log --signins graph --user devi…',
      await kentra([
        ...['audit', '--k8s-audit', cluster2.auditLogPath, '--signins', 'graph'],
        ...['--user', entra.users.developer.upn],
      ]),
    );

    say(
      '11. Proof: whoami (the API server beside the token, names from Graph) and verify (every link checked)',
    );
    show('kentra whoami --kubeconfig devi.kubeconfig', await kentra(['whoami', '--kubeconfig', developer]));
    const manny = join(work, 'manny.kubeconfig');
    const { idToken: overage } = await entra.signInWithPassword({ user: entra.users.manyGroups });
    await writeFile(manny, tokenKubeconfig(cluster2.server, cluster2.caPem, overage), { mode: 0o600 });
    show(
      'kentra whoami --kubeconfig manny.kubeconfig   (Manny, in 210 groups)',
      await kentra(['whoami', '--kubeconfig', manny]),
    );
    // verify signs in through get-token's own flow; the emulator's page is answered by the stand-in browser.
    const standIn = `${process.execPath} --import ${import.meta.resolve('tsx')} ${fileURLToPath(new URL('../test/e2e/login-stand-in-browser.ts', import.meta.url))}`;
    Object.assign(env, {
      KUBECACHEDIR: join(work, 'cache'),
      KENTRA_TEST_USER: entra.users.developer.upn,
      KENTRA_TEST_PASSWORD: entra.users.developer.password,
      KENTRA_TEST_CA_FILE: entra.caFile,
    });
    show(
      'kentra verify --login-hint devi…',
      await kentra(['verify', '--login-hint', entra.users.developer.upn, '--browser-command', standIn]),
    );
    await kubectl(kubeconfig, [
      ...[
        'create',
        'clusterrolebinding',
        'everyone-views',
        '--clusterrole=view',
        '--group=system:authenticated',
      ],
    ]);
    show(
      'kentra verify   (after: kubectl create clusterrolebinding everyone-views --clusterrole=view --group=system:authenticated)',
      await kentra(['verify', '--login-hint', entra.users.developer.upn, '--browser-command', standIn]),
    );
  } finally {
    await entraCluster?.stop();
    await entra.stop();
    await rm(work, { recursive: true, force: true });
  }

  say(
    '12. Offboarding: removed in Entra -> denied within seconds (kentra webhook), not when the token expires',
  );
  const world = await startWebhookWorld({
    pollIntervalSeconds: 1,
    maxStalenessSeconds: 30,
    structured: true,
    // The webhook's access file names the PIM groups too (step 13): it grants their active memberships.
    ruleGroups: webhookRuleGroups,
  });
  try {
    const { entra: idp } = world;
    const readers = [{ kind: 'Group' as const, name: `entra:group:${idp.groups.developers}` }];
    const structured = world.structured as ControlPlane;
    await grantView(world.viaWebhook, readers);
    await grantView(structured, readers);
    const { idToken } = await idp.signInWithPassword({ user: idp.users.developer });
    const viaWebhook = await world.tokenKubeconfig(world.viaWebhook, idToken);
    const viaStructured = await world.tokenKubeconfig(structured, idToken);
    console.log(
      `  Devi (developers), one token: webhook cluster ${await access(viaWebhook)}, plain OIDC cluster ${await access(viaStructured)}`,
    );
    const removedAt = Date.now();
    idp.control.removeFromGroup(idp.users.developer.upn, 'developers');
    console.log('  Entra: Devi removed from developers');
    const deniedMs = await msUntilDenied(viaWebhook, removedAt, 60_000);
    console.log(`  webhook cluster: ${await access(viaWebhook)} after ${(deniedMs / 1000).toFixed(1)} s`);
    const expiresIn = Number(decodeJwt(idToken).exp) - Math.floor(Date.now() / 1000);
    console.log(
      `  plain OIDC cluster: still ${await access(viaStructured)} (the token is valid ${expiresIn} s more)`,
    );

    say(
      '13. Just-in-time access (PIM for Groups): Devi is denied, elevates into on-call, is allowed at once, and denied when it ends',
    );
    await justInTime(world);
  } finally {
    await world.stop();
  }

  if (keep) {
    say(`Control plane running at ${cluster.server}; admin kubeconfig: ${admin}. Ctrl-C to stop.`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  await cluster.stop();
}

/**
 * Step 13 on the webhook world of step 12: a pod Devi may not delete, `kentra elevate` into the
 * on-call group (a PIM group she is eligible for), the same kubectl allowed at once; then the
 * emulator's clock passes the elevation's end and the webhook cluster denies again within a poll.
 */
async function justInTime(world: WebhookWorld): Promise<void> {
  const pim = await pimWorldOn(world, { stopWorld: false });
  try {
    const devi = world.entra.users.developer;
    const structured = world.structured as ControlPlane;
    for (const plane of [structured, world.viaWebhook])
      await kubectl(plane.adminKubeconfig, ['run', 'crashy', '--image=busybox', '--restart=Never']);
    const oldToken = await pim.signIn(devi);
    const deletePod = async (context: 'oidc' | 'webhook') => {
      const result = await pim.kubectlAs(devi, context, ['delete', 'pod', 'crashy', '--wait=false']);
      return (result.stdout || result.stderr).trim().split('\n')[0] ?? '';
    };
    console.log(`$ kubectl --context oidc delete pod crashy      (Devi)\n${await deletePod('oidc')}`);
    const options = await pim.kentra(devi, ['elevate']);
    console.log(`$ kentra elevate\n${options.stdout.trimEnd()}`);
    const requested = Date.now();
    const elevated = await pim.kentra(devi, [
      ...[
        'elevate',
        'oncall',
        '--for',
        '1h',
        '--reason',
        'INC-4711: checkout pods stuck',
        '--cluster',
        'oidc',
      ],
    ]);
    console.log(`$ kentra elevate oncall --for 1h --reason "INC-4711: checkout pods stuck" --cluster oidc`);
    console.log((elevated.stdout || elevated.stderr).trimEnd());
    const allowed = await deletePod('oidc');
    console.log(
      `$ kubectl --context oidc delete pod crashy      (Devi, ${((Date.now() - requested) / 1000).toFixed(1)} s after the request)\n${allowed}`,
    );
    // The webhook cluster, with the token Devi had BEFORE the elevation: the webhook grants the group live.
    const oldTokenKubeconfig = await world.tokenKubeconfig(world.viaWebhook, oldToken);
    const withOldToken = async () => {
      const result = await kubectl(oldTokenKubeconfig, ['delete', 'pod', 'crashy', '--wait=false']);
      return result.code === 0 || /NotFound/.test(result.stderr) ? 'allowed' : 'forbidden';
    };
    const until = async (want: 'allowed' | 'forbidden', since: number) => {
      while (Date.now() - since < 30_000) if ((await withOldToken()) === want) return Date.now() - since;
      return Number.POSITIVE_INFINITY;
    };
    // kube-apiserver caches a token's authentication for 10 s; asking before the webhook's next poll would
    // pin the old answer that long. So first the webhook's own TokenReview answer, then kubectl.
    const oncall = `entra:group:${world.entra.groups.oncall}`;
    while (!(await pim.webhookGroups(oldToken)).includes(oncall) && Date.now() - requested < 30_000);
    const reviewMs = Date.now() - requested;
    const webhookMs = await until('allowed', requested);
    console.log(
      `  webhook cluster, with the token from BEFORE the elevation: the webhook grants oncall after ${(reviewMs / 1000).toFixed(1)} s, ` +
        `kubectl delete pod allowed after ${(webhookMs / 1000).toFixed(1)} s`,
    );
    const ended = Date.now();
    world.entra.control.advanceClock(60 * 60_000);
    console.log("  (the emulator's PIM clock moves one hour on: the elevation ends)");
    const deniedMs = await until('forbidden', ended);
    console.log(
      `  webhook cluster: delete pods forbidden again after ${(deniedMs / 1000).toFixed(1)} s (same old token)`,
    );
    console.log(
      `  plain OIDC cluster: still ${await pim.deletePod(devi, 'oidc', 'crashy')} until the token expires (why the webhook exists)`,
    );
    const status = await pim.kentra(devi, ['elevate', '--status']);
    console.log(`$ kentra elevate --status\n${status.stdout.trimEnd()}`);
  } finally {
    await pim.stop();
  }
}
