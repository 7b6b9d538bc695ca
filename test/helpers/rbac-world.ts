/**
 * What the RBAC e2e tests share: the Entra emulator (its Graph resolves group
 * names; the test creates the groups it needs there), an access file in a
 * temporary folder, `kentra` run in-process against a cluster's admin
 * kubeconfig, and a reader for the bindings one access file manages.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultSeed } from '../../src/emulator/default-seed.js';
import type { ControlPlane } from '../harness/control-plane.js';
import type { EmulatorHandle } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { runCli } from './cli.js';

export interface RbacWorld {
  dir: string;
  accessPath: string;
  /** Writes the access file from an object (a fresh file every time). */
  writeAccess(access: Record<string, unknown>): Promise<void>;
  /** The access file's tenant section for the emulator (Graph and its CA). */
  tenant: Record<string, string>;
  kentra(args: readonly string[]): ReturnType<typeof runCli>;
  /** `kind namespace/name` of every binding labelled with this access file's name, sorted. */
  bindings(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The emulator's demo tenant plus extra security groups, with the automation
 * app also allowed to create groups (a test makes a duplicate display name
 * through Graph: the seed itself refuses duplicates).
 */
export function seedWithGroups(displayNames: readonly string[]): string {
  const seed = defaultSeed();
  const [tenant] = seed.tenants;
  if (!tenant) throw new Error('the default seed has no tenant');
  tenant.groups = [...(tenant.groups ?? []), ...displayNames.map((displayName) => ({ displayName }))];
  for (const app of tenant.applications ?? [])
    for (const permission of app.apiPermissions ?? [])
      if (permission.resource === 'Microsoft Graph')
        permission.roles = [...(permission.roles ?? []), 'Group.ReadWrite.All'];
  return JSON.stringify(seed);
}

/** Creates a security group through the emulator's Graph; returns its object ID. */
export async function createGroup(entra: EmulatorHandle, displayName: string): Promise<string> {
  const created = await entra.graph('/groups', {
    method: 'POST',
    body: { displayName, securityEnabled: true, mailEnabled: false, mailNickname: displayName },
  });
  if (created.status !== 201) throw new Error(`creating group ${displayName}: ${created.status}`);
  return String(created.body.id);
}

export async function startRbacWorld(
  cluster: ControlPlane,
  entra: EmulatorHandle,
  accessName: string,
): Promise<RbacWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'kentra-rbac-e2e-'));
  await writeFile(join(dir, 'entra-ca.pem'), entra.caPem);
  const accessPath = join(dir, 'kentra.yaml');
  const env = { KUBECONFIG: cluster.adminKubeconfig, KENTRA_GRAPH_TOKEN: await entra.graphToken() };
  return {
    dir,
    accessPath,
    tenant: {
      id: entra.tenantId,
      authority: entra.url,
      graph: entra.url,
      certificateAuthorityFile: 'entra-ca.pem',
    },
    writeAccess: (access) => writeFile(accessPath, stringify(access)),
    kentra: (args) => runCli([...args, '--access', accessPath], { env, cwd: dir }),
    async bindings() {
      const result = await kubectl(cluster.adminKubeconfig, [
        'get',
        'clusterrolebindings,rolebindings',
        '-A',
        '-l',
        `kentra.dev/access-file=${accessName}`,
        '-o',
        'jsonpath={range .items[*]}{.kind} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
      ]);
      if (result.code !== 0) throw new Error(result.stderr);
      return result.stdout.split('\n').filter(Boolean).sort();
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh object ID (for users and groups that exist nowhere). */
export function objectId(): string {
  return randomUUID();
}
