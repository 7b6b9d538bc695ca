/**
 * The README's first command: kentra's whole job, end to end, on this machine
 * alone. Each issue that lands adds its step here, so the demo always shows the
 * product as it stands.
 *
 *   npm run demo            run every step and stop everything at the end
 *   npm run demo -- --keep  leave the control plane running until Ctrl-C
 */
import { readFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { startControlPlane } from '../test/harness/control-plane.js';
import { startEmulator } from '../test/harness/emulator.js';
import { assertKubectlInstalled, kubectl } from '../test/harness/kubectl.js';

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
