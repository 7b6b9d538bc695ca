/**
 * An emulator tenant without the kentra app, for `kentra entra setup|check`
 * e2e tests: three groups, a user in each of two and one in none, an
 * automation app with the Graph permissions setup needs, and one that may
 * only read; plus a kentra.yaml in a temporary folder pointing at it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { type CliRun, runCli } from './cli.js';

export const tenantId = '4b1c9e2a-7d3f-4a5b-8c6d-2e1f0a9b8c7d';
const domain = 'setup.example';
export const password = 'Setup-e2e-password-1';
export const automation = {
  clientId: 'c5a7e9b1-3d2f-4e6a-9b8c-7d6e5f4a3b2c',
  secret: 'setup-e2e-automation-secret-0001',
};
export const adminCliClientId = 'e7c9a1d3-5f4b-4a8c-9d0e-9f8a7b6c5d4e';
/** May write apps but not app role assignments: setup stops at the assignments. */
export const noAssign = {
  clientId: 'f8d0b2e4-6a5c-4b9d-8e1f-0a9b8c7d6e5f',
  secret: 'setup-e2e-noassign-secret-000001',
};
export const readOnly = {
  clientId: 'd6b8f0c2-4e3a-4f7b-8c9d-8e7f6a5b4c3d',
  secret: 'setup-e2e-readonly-secret-00001',
};

const seed = stringify({
  tenants: [
    {
      id: tenantId,
      domain,
      displayName: 'Setup e2e',
      users: [
        {
          userPrincipalName: `ada@${domain}`,
          password,
          displayName: 'Ada Admin',
          memberOf: ['platform-admins'],
        },
        {
          userPrincipalName: `dev@${domain}`,
          password,
          displayName: 'Dev Developer',
          memberOf: ['developers'],
        },
        { userPrincipalName: `nico@${domain}`, password, displayName: 'Nico Nogroups' },
        {
          userPrincipalName: `otto@${domain}`,
          password,
          displayName: 'Otto Outsider',
          memberOf: ['outsiders'],
        },
      ],
      groups: [
        { displayName: 'platform-admins', isAssignableToRole: true },
        { displayName: 'developers' },
        { displayName: 'outsiders' },
      ],
      applications: [
        {
          displayName: 'kentra-automation',
          appId: automation.clientId,
          secrets: [{ displayName: 'e2e', value: automation.secret }],
          apiPermissions: [
            {
              resource: 'Microsoft Graph',
              roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'Group.Read.All'],
            },
          ],
        },
        // A public client an administrator signs in with (device code) to run kentra.
        {
          displayName: 'admin-cli',
          appId: adminCliClientId,
          publicClient: true,
          redirectUris: ['http://localhost'],
        },
        {
          displayName: 'no-assign-bot',
          appId: noAssign.clientId,
          secrets: [{ displayName: 'e2e', value: noAssign.secret }],
          apiPermissions: [
            { resource: 'Microsoft Graph', roles: ['Application.ReadWrite.All', 'Group.Read.All'] },
          ],
        },
        {
          displayName: 'reader-bot',
          appId: readOnly.clientId,
          secrets: [{ displayName: 'e2e', value: readOnly.secret }],
          apiPermissions: [
            { resource: 'Microsoft Graph', roles: ['Application.Read.All', 'Group.Read.All'] },
          ],
        },
      ],
    },
  ],
});

export interface EntraWorld {
  entra: EmulatorHandle;
  dir: string;
  accessPath: string;
  user(name: 'ada' | 'dev' | 'nico' | 'otto'): { username: string; password: string };
  /** kentra.yaml with this `app` section (and, optionally, other clusters and a policy). */
  writeAccess(
    app?: Record<string, unknown>,
    tenant?: string,
    more?: {
      clusters?: Record<string, unknown>[];
      policy?: Record<string, unknown>;
      rules?: Record<string, unknown>[];
    },
  ): Promise<string>;
  readAccess(): Promise<string>;
  kentra(
    args: string[],
    identity?: { clientId: string; secret: string },
    env?: Record<string, string>,
  ): Promise<CliRun>;
  /** An app-only Graph token of the automation app. */
  graphToken(): Promise<string>;
  /** A Graph call with the automation app's token (the harness's own graph() uses the demo tenant's app). */
  graph: EmulatorHandle['graph'];
  /** Graph write requests (POST/PATCH/DELETE/PUT) the emulator has seen. */
  writeCount(): number;
  stop(): Promise<void>;
}

export async function startEntraWorld(): Promise<EntraWorld> {
  const entra = await startEmulator({ seed });
  const dir = await mkdtemp(join(tmpdir(), 'kentra-entra-'));
  const accessPath = join(dir, 'kentra.yaml');
  const graphToken = async () => {
    const response = await entra.fetchJson(`${entra.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: automation.clientId,
        client_secret: automation.secret,
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    return String((response.body as Record<string, unknown>).access_token);
  };
  return {
    entra,
    dir,
    accessPath,
    user: (name) => ({ username: `${name}@${domain}`, password }),
    async writeAccess(app = {}, tenant = tenantId, more = {}) {
      const text = [
        '# kentra.yaml for the entra setup e2e test: comments must survive the write-back.',
        'apiVersion: kentra.dev/v1alpha1',
        'kind: Access',
        'tenant:',
        `  id: ${tenant}   # the e2e tenant`,
        `  authority: ${entra.url}`,
        `  graph: ${entra.url}`,
        `  certificateAuthorityFile: ${entra.caFile}`,
        stringify({ app: { name: 'kentra-e2e', ...app } }).trimEnd(),
        ...(more.clusters
          ? [stringify({ clusters: more.clusters }).trimEnd()]
          : ['clusters:', '  - name: dev']),
        ...(more.policy ? [stringify({ policy: more.policy }).trimEnd()] : []),
        ...(more.rules
          ? [stringify({ rules: more.rules }).trimEnd()]
          : [
              'rules:',
              '  - group: platform-admins   # cluster admins',
              '    clusterRole: cluster-admin',
              '  - group: developers',
              '    clusterRole: edit',
              '    namespaces: [default]',
            ]),
        '',
      ].join('\n');
      await writeFile(accessPath, text);
      return text;
    },
    readAccess: () => readFile(accessPath, 'utf8'),
    graphToken,
    async graph(path, init = {}) {
      return entra.graph(path, { ...init, token: await graphToken() });
    },
    kentra: (args, identity = automation, env = {}) =>
      runCli([...args, '--access', accessPath], {
        env: { AZURE_CLIENT_ID: identity.clientId, AZURE_CLIENT_SECRET: identity.secret, ...env },
        cwd: dir,
      }),
    writeCount: () =>
      ['POST', 'PATCH', 'DELETE', 'PUT'].reduce(
        (sum, method) => sum + entra.control.requestCount(`graph ${method}`),
        0,
      ),
    async stop() {
      await entra.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
