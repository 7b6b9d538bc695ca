/**
 * The README's first command: kentra's whole job, end to end, on this machine
 * alone. Each issue that lands adds its step here, so the demo always shows the
 * product as it stands.
 *
 *   npm run demo            run every step and stop everything at the end
 *   npm run demo -- --keep  leave the control plane running until Ctrl-C
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { setAccessFileField } from '../src/domain/access/edit.js';
import { startControlPlane } from '../test/harness/control-plane.js';
import { startEmulator } from '../test/harness/emulator.js';
import { assertKubectlInstalled, kubectl } from '../test/harness/kubectl.js';
import { run } from '../test/harness/processes.js';

const keep = process.argv.includes('--keep');
const kentraBin = fileURLToPath(new URL('../dist/bin/kentra.js', import.meta.url));
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

  say('4. kentra.yaml: tenant, app, clusters, policy and "Entra group -> role" rules in one file');
  const work = await mkdtemp(join(tmpdir(), 'kentra-demo-'));
  const kentra = (args: string[]) =>
    run(process.execPath, [kentraBin, ...args], {
      env: { ...process.env, KUBECONFIG: admin },
      cwd: work,
    });
  const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
  show(
    'kentra init --tenant ... --client-id ...',
    await kentra([
      'init',
      '--tenant',
      tenant,
      '--client-id',
      '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c',
      '--server',
      cluster.server,
    ]),
  );
  // No Graph token in this demo: name the groups by object ID (kentra keeps the file's comments when editing it).
  const admins = 'a1b2c3d4-0000-4000-8000-00000000000a';
  const developers = 'a1b2c3d4-0000-4000-8000-00000000000d';
  let text = await readFile(join(work, 'kentra.yaml'), 'utf8');
  text = setAccessFileField(text, ['rules', 0, 'group'], admins);
  text = setAccessFileField(text, ['rules', 1, 'group'], developers);
  text = setAccessFileField(text, ['rules', 1, 'clusterRole'], 'view');
  await writeFile(join(work, 'kentra.yaml'), text);
  console.log(text.split('\n').slice(-14).join('\n'));

  say('5. The API server side: AuthenticationConfiguration with CEL policy rules (kentra cluster config)');
  show('kentra cluster config', await kentra(['cluster', 'config']));

  say('6. RBAC from Entra groups: plan, apply, and proof with kubectl');
  show('kentra rbac plan', await kentra(['rbac', 'plan']));
  show('kentra rbac apply', await kentra(['rbac', 'apply']));
  show('kentra rbac plan   (again: nothing to do)', await kentra(['rbac', 'plan']));
  show(
    `kubectl auth can-i '*' '*' --as=entra:<someone> --as-group=entra:group:${admins}`,
    await kubectl(admin, [
      'auth',
      'can-i',
      '*',
      '*',
      '--as=entra:someone',
      `--as-group=entra:group:${admins}`,
    ]),
  );
  show(
    'kubectl auth can-i get pods -n default --as=entra:<someone>   (in no mapped group)',
    await kubectl(admin, ['auth', 'can-i', 'get', 'pods', '-n', 'default', '--as=entra:someone']),
  );
  await rm(work, { recursive: true, force: true });

  say('7. A local Entra ID: the emulator signs Alex in (auth code + PKCE on its sign-in page)');
  const entra = await startEmulator();
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

    say(
      "8. kentra entra setup: the app registration for the cluster, through the emulator's Microsoft Graph",
    );
    const entraDir = await mkdtemp(join(tmpdir(), 'kentra-demo-entra-'));
    const entraKentra = (args: string[]) =>
      run(process.execPath, [kentraBin, ...args], {
        // An app identity with Graph permissions (@azure/identity client secret; the emulator is the authority).
        env: {
          ...process.env,
          AZURE_CLIENT_ID: entra.automation.clientId,
          AZURE_CLIENT_SECRET: entra.automation.secret,
        },
        cwd: entraDir,
      });
    await entraKentra(['init', '--tenant', entra.tenantId, '--authority', entra.url, '--graph', entra.url]);
    let entraFile = await readFile(join(entraDir, 'kentra.yaml'), 'utf8');
    entraFile = setAccessFileField(entraFile, ['app', 'name'], 'kentra-demo-cluster');
    entraFile = setAccessFileField(entraFile, ['tenant', 'certificateAuthorityFile'], entra.caFile);
    entraFile = setAccessFileField(entraFile, ['rules', 0, 'group'], 'platform-admins');
    await writeFile(join(entraDir, 'kentra.yaml'), entraFile);
    show('kentra entra setup --dry-run', await entraKentra(['entra', 'setup', '--dry-run']));
    show('kentra entra setup', await entraKentra(['entra', 'setup']));
    show('kentra entra setup   (again: nothing to do)', await entraKentra(['entra', 'setup']));
    show('kentra entra check', await entraKentra(['entra', 'check']));
    const demoClientId = String(
      (await readFile(join(entraDir, 'kentra.yaml'), 'utf8')).match(/clientId: (\S+)/)?.[1],
    );
    await entra.signInWithPassword({ user: entra.users.admin, clientId: demoClientId });
    console.log('  Alex (platform-admins) signs in to the new app: ok');
    await entra
      .signInWithPassword({ user: entra.users.noGroups, clientId: demoClientId })
      .catch((error: Error) =>
        console.log(`  Nico (no group) is refused: ${error.message.split('\n')[0]?.slice(0, 110)}`),
      );
    await rm(entraDir, { recursive: true, force: true });
  } finally {
    await entra.stop();
  }

  if (keep) {
    say(`Control plane running at ${cluster.server}; admin kubeconfig: ${admin}. Ctrl-C to stop.`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  await cluster.stop();
}
