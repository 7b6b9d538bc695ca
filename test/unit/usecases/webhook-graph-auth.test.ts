/**
 * The webhook's live state signs in to Graph through the shared Graph access,
 * with each unattended mode its configuration names: a client secret, a
 * certificate, workload identity (a token file of another OIDC issuer that a
 * federated credential trusts, as AKS mounts it in a pod) and a managed
 * identity (the emulator's endpoint, found through IDENTITY_ENDPOINT /
 * IDENTITY_HEADER in the process environment, as msal-node reads them; this
 * file runs in its own process). startWebhook listens after the first delta
 * round, so `state.ready` right at onListening says that round read Graph.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { defaultSeed } from '../../../src/emulator/default-seed.js';
import { KentraError } from '../../../src/errors.js';
import { runWebhook } from '../../../src/usecases/webhook.js';
import type { Webhook } from '../../../src/webhook/webhook.js';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { type AppCertificate, createAppCertificate } from '../../helpers/app-certificate.js';
import { startTestIssuer, type TestIssuer } from '../../helpers/test-issuer.js';

const certificateApp = '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d';
const workloadApp = '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e';
const serviceAccount = 'system:serviceaccount:kube-system:kentra-webhook';
const liveRoles = [{ resource: 'Microsoft Graph', roles: ['User.Read.All', 'GroupMember.Read.All'] }];

describe('kentra webhook: Graph sign-in for the live state', () => {
  let entra: EmulatorHandle;
  let issuer: TestIssuer;
  let certificate: AppCertificate;
  let dir: string;

  before(async () => {
    issuer = await startTestIssuer();
    certificate = await createAppCertificate('kentra-webhook');
    const seed = defaultSeed();
    seed.tenants[0]?.applications?.push(
      {
        displayName: 'webhook-cert',
        appId: certificateApp,
        certificates: [{ certificate: certificate.certPem }],
        apiPermissions: liveRoles,
      },
      {
        displayName: 'webhook-workload',
        appId: workloadApp,
        federatedCredentials: [{ name: 'aks', issuer: `${issuer.origin}/oidc`, subject: serviceAccount }],
        apiPermissions: liveRoles,
      },
    );
    entra = await startEmulator({ seed: stringify(seed), trustedCaPems: [issuer.caPem] });
    dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-graph-'));
    await writeFile(
      join(dir, 'kentra.yaml'),
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'Access',
        tenant: {
          id: entra.tenantId,
          authority: entra.url,
          graph: entra.url,
          certificateAuthorityFile: entra.caFile,
        },
        app: { name: 'kentra', clientId: entra.clientId, tokenVersion: 2 },
        clusters: [{ name: 'test', kind: 'self-managed', kubernetesVersion: '1.36' }],
        rules: [{ group: entra.groups.developers, clusterRole: 'view' }],
      }),
    );
    await writeFile(join(dir, 'graph-secret'), `${entra.automation.secret}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'graph.pem'), certificate.bundlePem, { mode: 0o600 });
    const now = Math.floor(Date.now() / 1000);
    await writeFile(
      join(dir, 'azure-identity-token'),
      await issuer.signExact({
        iss: `${issuer.origin}/oidc`,
        sub: serviceAccount,
        aud: 'api://AzureADTokenExchange',
        iat: now,
        exp: now + 3600,
      }),
    );
  });
  after(async () => {
    await entra?.stop();
    await issuer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Starts the webhook with this `live` section; returns it listening (after its first delta round). */
  async function webhookWith(live: Record<string, unknown>, env: Record<string, string> = {}) {
    const config = join(dir, 'kentra-webhook.yaml');
    await writeFile(
      config,
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'WebhookConfiguration',
        accessFile: join(dir, 'kentra.yaml'),
        listen: { host: '127.0.0.1', port: 0 },
        live: { ...live, pollIntervalSeconds: 3600, maxStalenessSeconds: 7200 },
      }),
    );
    let stop: (reason: string) => void = () => {};
    let listening: (webhook: Webhook) => void = () => {};
    const started = new Promise<Webhook>((resolve) => {
      listening = resolve;
    });
    const running = runWebhook(
      { config, selfSigned: true },
      {
        readText: (path) => readFile(path, 'utf8'),
        env,
        now: Date.now,
        logSink: { write: () => {} },
        interrupted: new Promise((resolve) => {
          stop = resolve;
        }),
        onListening: listening,
      },
    );
    const webhook = await Promise.race([
      started,
      running.then(() => assert.fail('stopped before listening')),
    ]);
    return {
      webhook,
      stop: async () => {
        stop('test done');
        await running;
      },
    };
  }

  const lastSignInOf = (appId: string) =>
    entra.control
      .signIns()
      .filter((s) => s.appId === appId)
      .at(-1);

  const modes: [string, Record<string, unknown>, string, string][] = [
    [
      'client-secret',
      { clientId: 'automation', clientSecretFile: 'graph-secret' },
      'automation',
      'clientSecret',
    ],
    [
      'client-certificate',
      { clientId: certificateApp, clientCertificateFile: 'graph.pem' },
      certificateApp,
      'certificate',
    ],
    [
      'workload-identity',
      { clientId: workloadApp, federatedTokenFile: 'azure-identity-token' },
      workloadApp,
      'federatedIdentityCredential',
    ],
  ];
  for (const [mode, fields, appId, credentialType] of modes)
    it(`reads Graph with graphAuth ${mode}`, async () => {
      const client = appId === 'automation' ? entra.automation.clientId : appId;
      const live = Object.fromEntries(
        Object.entries(fields).map(([key, value]) => [
          key,
          key === 'clientId' ? client : key.endsWith('File') ? join(dir, String(value)) : value,
        ]),
      );
      const { webhook, stop } = await webhookWith({ graphAuth: mode, ...live });
      try {
        assert.equal(webhook.state?.ready, true, webhook.state?.lastError);
        assert.equal(lastSignInOf(client)?.clientCredentialType, credentialType);
      } finally {
        await stop();
      }
    });

  it('reads Graph with graphAuth managed-identity (a user-assigned identity by clientId)', async () => {
    process.env.IDENTITY_ENDPOINT = entra.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = entra.managedIdentity.header;
    const { webhook, stop } = await webhookWith({
      graphAuth: 'managed-identity',
      clientId: entra.webhookIdentityClientId,
    });
    try {
      assert.equal(webhook.state?.ready, true, webhook.state?.lastError);
      assert.deepEqual(lastSignInOf(entra.webhookIdentityClientId)?.signInEventTypes, ['managedIdentity']);
    } finally {
      await stop();
    }
  });

  it('takes the inputs from AZURE_* variables too, and names the missing ones in the configuration terms', async () => {
    const { webhook, stop } = await webhookWith(
      { graphAuth: 'client-secret' },
      { AZURE_CLIENT_ID: entra.automation.clientId, AZURE_CLIENT_SECRET: entra.automation.secret },
    );
    try {
      assert.equal(webhook.state?.ready, true, webhook.state?.lastError);
    } finally {
      await stop();
    }
    await assert.rejects(
      webhookWith({ graphAuth: 'client-certificate', clientId: certificateApp }),
      (error: unknown) => {
        assert.ok(error instanceof KentraError);
        assert.equal(error.code, 'config.invalid');
        assert.match(
          error.message,
          /\.live cannot sign in to Graph with graphAuth client-certificate: .*AZURE_CLIENT_CERTIFICATE_PATH/,
        );
        assert.match(error.hint ?? '', /live\.clientCertificateFile/);
        return true;
      },
    );
  });
});
