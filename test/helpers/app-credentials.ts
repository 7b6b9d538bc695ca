/**
 * The emulator's demo tenant with two apps that sign in without a secret, for
 * the certificate and workload-identity tests: one holds a certificate
 * (test/helpers/app-certificate.ts), the other trusts tokens of the test OIDC
 * issuer (test/helpers/test-issuer.ts) for one subject through a federated
 * credential; the emulator trusts that issuer's CA. The credential files are
 * in a temporary folder, as a pipeline or a pod would have them, beside an
 * access file for the demo tenant and its kentra app.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWTPayload } from 'jose';
import { stringify } from 'yaml';
import { defaultSeed } from '../../src/emulator/default-seed.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { type AppCertificate, createAppCertificate } from './app-certificate.js';
import { emulatorAccessFile } from './emulator-access-file.js';
import { startTestIssuer, type TestIssuer } from './test-issuer.js';

export interface AppCredentials {
  entra: EmulatorHandle;
  issuer: TestIssuer;
  dir: string;
  /** kentra.yaml for the demo tenant (its Graph, its CA) and its kentra app. */
  accessPath: string;
  certificate: {
    appId: string;
    pem: AppCertificate /** certificate + key (AZURE_CLIENT_CERTIFICATE_PATH) */;
    file: string;
  };
  workload: {
    appId: string;
    /** The issuer the federated credential names (`iss`), and the subject it accepts. */
    issuer: string;
    subject: string;
    /** A fresh token for the credential, as AZURE_FEDERATED_TOKEN_FILE holds it. */
    tokenFile: string;
    /** A token of that issuer: the credential's claims, overridden by `claims`. */
    token(claims?: JWTPayload): Promise<string>;
  };
  stop(): Promise<void>;
}

export const exchangeAudience = 'api://AzureADTokenExchange';

export async function startAppCredentials(options: {
  /** Microsoft Graph application permissions of both apps. */
  graphRoles: string[];
  subject: string;
}): Promise<AppCredentials> {
  const issuer = await startTestIssuer();
  const pem = await createAppCertificate('kentra-test-app');
  const certificateAppId = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';
  const workloadAppId = '6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a';
  const workloadIssuer = `${issuer.origin}/workload`;
  const apiPermissions = [{ resource: 'Microsoft Graph', roles: options.graphRoles }];
  const seed = defaultSeed();
  seed.tenants[0]?.applications?.push(
    {
      displayName: 'test-certificate-app',
      appId: certificateAppId,
      certificates: [{ certificate: pem.certPem }],
      apiPermissions,
    },
    {
      displayName: 'test-workload-app',
      appId: workloadAppId,
      federatedCredentials: [{ name: 'test', issuer: workloadIssuer, subject: options.subject }],
      apiPermissions,
    },
  );
  const entra = await startEmulator({ seed: stringify(seed), trustedCaPems: [issuer.caPem] });
  const dir = await mkdtemp(join(tmpdir(), 'kentra-app-credentials-'));
  const token = (claims: JWTPayload = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return issuer.signExact({
      iss: workloadIssuer,
      sub: options.subject,
      aud: exchangeAudience,
      iat: now,
      exp: now + 3600,
      ...claims,
    });
  };
  const accessPath = join(dir, 'kentra.yaml');
  await writeFile(
    accessPath,
    emulatorAccessFile(entra, {
      clusters: [{ name: 'emu', kubernetesVersion: '1.36' }],
      rules: [{ group: 'developers', clusterRole: 'view' }],
    }),
  );
  const file = join(dir, 'certificate.pem');
  const tokenFile = join(dir, 'federated-token');
  await writeFile(file, pem.bundlePem, { mode: 0o600 });
  await writeFile(tokenFile, await token());
  return {
    entra,
    issuer,
    dir,
    accessPath,
    certificate: { appId: certificateAppId, pem, file },
    workload: { appId: workloadAppId, issuer: workloadIssuer, subject: options.subject, tokenFile, token },
    stop: async () => {
      await entra.stop();
      await issuer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
