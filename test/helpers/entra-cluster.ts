/**
 * A tenant and a cluster that trusts it, for the e2e tests of the commands
 * that walk the whole chain (rbac, verify, whoami, audit): the emulator's demo
 * tenant, an access file in a temporary folder pointing at it, a real
 * kube-apiserver running the AuthenticationConfiguration `kentra cluster
 * config` renders from that file (with an audit log), the namespace and role
 * the rules need, and the bindings `kentra rbac apply` makes (Graph: the
 * automation app's client secret). It returns once the API server accepts the
 * emulator's tokens.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { type CliRun, runCli } from './cli.js';
import { untilAccepted } from './whoami.js';

export interface EntraCluster {
  entra: EmulatorHandle;
  cluster: ControlPlane;
  dir: string;
  accessPath: string;
  /** The access file as written (tests copy and change it). */
  accessFile: Record<string, unknown>;
  /** The AuthenticationConfiguration the API server runs (`kentra cluster config -o json`). */
  authenticationConfig: { jwt: { issuer: { url: string } }[] };
  /** What `kentra rbac apply` printed. */
  applied: CliRun;
  /** The automation app as the Graph identity: `--graph-auth client-secret` from the environment. */
  graphSecretEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface EntraClusterOptions {
  /** The access file's name (the bindings' label). */
  name: string;
  rules: Record<string, unknown>[];
  policy?: Record<string, unknown>;
  /** A namespace and a cluster role the rules grant (created before `kentra rbac apply`). */
  role: { namespace: string; name: string; rules: string[] };
  /** A token the API server accepts once it has read the issuer (default: Devi's ID token). */
  probeToken?: (entra: EmulatorHandle) => Promise<string>;
}

/** A namespace and a ClusterRole with the given rule lines (`{apiGroups: [""], resources: [...], verbs: [...]}`). */
function roleManifests(role: EntraClusterOptions['role']): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${role.namespace}}`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${role.name}}\nrules:\n${role.rules.map((rule) => `- ${rule}`).join('\n')}`,
  ].join('\n---\n');
}

export async function startEntraCluster(options: EntraClusterOptions): Promise<EntraCluster> {
  const entra = await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), `kentra-${options.name}-`));
  let cluster: ControlPlane | undefined;
  const stop = async () => {
    await cluster?.stop();
    await entra.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const accessPath = join(dir, 'kentra.yaml');
    await writeFile(join(dir, 'entra-ca.pem'), entra.caPem);
    const accessFile = {
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'Access',
      name: options.name,
      tenant: {
        id: entra.tenantId,
        authority: entra.url,
        graph: entra.url,
        certificateAuthorityFile: 'entra-ca.pem',
      },
      app: { clientId: entra.clientId },
      clusters: [{ name: 'emu', kubernetesVersion: '1.36' }],
      ...(options.policy ? { policy: options.policy } : {}),
      rules: options.rules,
    };
    await writeFile(accessPath, stringify(accessFile));
    const rendered = await runCli(['cluster', 'config', '-o', 'json', '--access', accessPath], { cwd: dir });
    assert.equal(rendered.code, 0, rendered.stderr);
    const authenticationConfig = JSON.parse(rendered.stdout) as EntraCluster['authenticationConfig'];
    cluster = await startControlPlane({
      authenticationConfig: stringify(authenticationConfig),
      log: () => {},
    });
    const setup = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
      input: roleManifests(options.role),
    });
    assert.equal(setup.code, 0, setup.stderr);
    const graphSecretEnv = {
      AZURE_CLIENT_ID: entra.automation.clientId,
      AZURE_CLIENT_SECRET: entra.automation.secret,
    };
    const applied = await runCli(['rbac', 'apply', '--access', accessPath, '--graph-auth', 'client-secret'], {
      cwd: dir,
      env: { KUBECONFIG: cluster.adminKubeconfig, ...graphSecretEnv },
    });
    assert.equal(applied.code, 0, applied.stderr);
    // The API server fetches the issuer's discovery in the background: wait until a good token passes.
    const probe = options.probeToken
      ? await options.probeToken(entra)
      : (await entra.signInWithPassword({ user: entra.users.developer })).idToken;
    await untilAccepted(cluster.server, cluster.caPem, probe, { intervalMs: 300 });
    return {
      entra,
      cluster,
      dir,
      accessPath,
      accessFile,
      authenticationConfig,
      applied,
      graphSecretEnv,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
