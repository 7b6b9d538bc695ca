/**
 * What the RBAC e2e tests share: a Graph-shaped HTTPS server holding the
 * tenant's groups (until the emulator serves Graph), an access file in a
 * temporary folder, `kentra` run in-process against the admin kubeconfig, and
 * readers for the kentra-managed bindings in the cluster.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import type { ControlPlane } from '../harness/control-plane.js';
import { kubectl } from '../harness/kubectl.js';
import { runCli } from './cli.js';
import { type FakeGroup, type GraphServer, startGraphServer } from './graph-server.js';

export interface RbacWorld {
  dir: string;
  accessPath: string;
  graph: GraphServer;
  /** Writes the access file from an object (a fresh file every time). */
  writeAccess(access: Record<string, unknown>): Promise<void>;
  kentra(args: readonly string[]): ReturnType<typeof runCli>;
  /** `kind namespace/name` of every binding labelled with this access file's name, sorted. */
  bindings(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startRbacWorld(
  cluster: ControlPlane,
  groups: FakeGroup[],
  accessName: string,
): Promise<RbacWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'kentra-rbac-e2e-'));
  const ca = await createCertificateAuthority('kentra-test-graph-ca', 1);
  const tls = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  await writeFile(join(dir, 'graph-ca.pem'), ca.certPem);
  const graph = await startGraphServer({ groups, tls });
  const accessPath = join(dir, 'kentra.yaml');
  const env = { KUBECONFIG: cluster.adminKubeconfig, KENTRA_GRAPH_TOKEN: graph.token };
  return {
    dir,
    accessPath,
    graph,
    writeAccess: (access) => writeFile(accessPath, stringify(access)),
    kentra: (args) => runCli([...args, '--access', accessPath], { env, cwd: dir }),
    async bindings() {
      const selector = `kentra.dev/access-file=${accessName}`;
      const result = await kubectl(cluster.adminKubeconfig, [
        'get',
        'clusterrolebindings,rolebindings',
        '-A',
        '-l',
        selector,
        '-o',
        'jsonpath={range .items[*]}{.kind} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
      ]);
      if (result.code !== 0) throw new Error(result.stderr);
      return result.stdout.split('\n').filter(Boolean).sort();
    },
    async close() {
      await graph.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh object ID. */
export function objectId(): string {
  return randomUUID();
}
