/**
 * `kentra portal` for tests and the demo, all on loopback: its own app
 * registration in the emulator (a web app with a secret and the redirect URI
 * on a free port, created through Graph as an admin would), a serving
 * certificate from a throw-away CA, an access file for one real cluster, and
 * the portal started through its use case.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKubeconfig } from '../../src/adapters/kube/kubeconfig.js';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import { startPortal } from '../../src/usecases/portal.js';
import { emulatorAccessFile } from '../helpers/emulator-access-file.js';
import type { ControlPlane } from './control-plane.js';
import type { EmulatorHandle } from './emulator.js';
import { freePort } from './ports.js';

export interface PortalWorld {
  url: string;
  /** The CA that signed the portal's certificate (Chromium pins it). */
  caPem: string;
  clientId: string;
  accessPath: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function startPortalWorld(options: {
  entra: EmulatorHandle;
  cluster: ControlPlane;
  rules: Record<string, unknown>[];
}): Promise<PortalWorld> {
  const { entra, cluster } = options;
  const dir = await mkdtemp(join(tmpdir(), 'kentra-portal-'));
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const app = await entra.graph('/applications', {
    method: 'POST',
    body: { displayName: `kentra-portal-${port}`, web: { redirectUris: [`${origin}/auth/callback`] } },
  });
  const clientId = String(app.body.appId);
  const password = await entra.graph(`/applications/${app.body.id}/addPassword`, {
    method: 'POST',
    body: { passwordCredential: { displayName: 'portal' } },
  });
  await entra.graph('/servicePrincipals', { method: 'POST', body: { appId: clientId } });
  const ca = await createCertificateAuthority('kentra-portal-test', 1);
  const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  // The chain includes the CA, so that Chromium can pin its key (--ignore-certificate-errors-spki-list).
  await writeFile(join(dir, 'tls.crt'), `${serving.certPem.trim()}\n${ca.certPem.trim()}\n`);
  await writeFile(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'cluster-ca.pem'), cluster.caPem);
  const accessPath = join(dir, 'kentra.yaml');
  await writeFile(
    accessPath,
    emulatorAccessFile(entra, {
      clusters: [
        {
          name: 'test',
          kind: 'self-managed',
          kubernetesVersion: '1.36',
          server: cluster.server,
          certificateAuthorityFile: 'cluster-ca.pem',
        },
      ],
      rules: options.rules,
    }),
  );
  let log = '';
  let stopped = false;
  const listener = await startPortal(
    {
      accessPath,
      host: '127.0.0.1',
      port,
      clientId,
      clientSecret: String(password.body.secretText),
      tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
      kubeconfig: openKubeconfig({ kubeconfig: cluster.adminKubeconfig }, { env: { HOME: dir }, cwd: dir }),
      sessionHours: 1,
      command: 'kentra',
    },
    {
      readText: (path) => import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8')),
      env: { HOME: dir },
      cwd: dir,
      now: Date.now,
      log: (line) => {
        log += `${line}\n`;
      },
      interrupted: new Promise(() => {}),
    },
  );
  return {
    url: listener.url,
    caPem: ca.certPem,
    clientId,
    accessPath,
    logs: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      await listener.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
