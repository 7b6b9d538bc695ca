/**
 * A tenant and a cluster that trusts it, for the e2e tests of the commands
 * that walk the whole chain (verify, whoami, rbac, audit): the emulator's demo
 * tenant, an access file in a temporary folder pointing at it, a real
 * kube-apiserver running the AuthenticationConfiguration `kentra cluster
 * config` renders from that file (with an audit log), the namespaces and roles
 * the rules need, and the bindings `kentra rbac apply` makes. It returns once
 * the API server accepts the emulator's tokens.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ControlPlane, startControlPlane } from '../harness/control-plane.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { runCli } from './cli.js';
import { whoAmI } from './whoami.js';

export interface EntraCluster {
  entra: EmulatorHandle;
  cluster: ControlPlane;
  dir: string;
  accessPath: string;
  /** The access file as written (tests copy and change it). */
  accessFile: Record<string, unknown>;
  /** The automation app as the Graph identity: `--graph-auth client-secret` from the environment. */
  graphSecretEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface EntraClusterOptions {
  /** The access file's name (the bindings' label). */
  name: string;
  rules: Record<string, unknown>[];
  policy?: Record<string, unknown>;
  /** Namespaces and roles the rules grant, applied before `kentra rbac apply`. */
  manifests: string;
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
    const rendered = await runCli(['cluster', 'config', '-o', 'yaml', '--access', accessPath], { cwd: dir });
    assert.equal(rendered.code, 0, rendered.stderr);
    cluster = await startControlPlane({ authenticationConfig: rendered.stdout, log: () => {} });
    const setup = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], { input: options.manifests });
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
    const { idToken } = await entra.signInWithPassword({ user: entra.users.developer });
    for (let attempt = 0; (await whoAmI(cluster.server, cluster.caPem, idToken)).status !== 201; attempt++) {
      assert.ok(attempt < 100, 'the API server never accepted an emulator token');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return { entra, cluster, dir, accessPath, accessFile, graphSecretEnv, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
