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
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { KentraError } from '../../../src/errors.js';
import { runWebhook } from '../../../src/usecases/webhook.js';
import type { Webhook } from '../../../src/webhook/webhook.js';
import type { EmulatorHandle } from '../../harness/emulator.js';
import { type AppCredentials, startAppCredentials } from '../../helpers/app-credentials.js';

describe('kentra webhook: Graph sign-in for the live state', () => {
  let world: AppCredentials;
  let entra: EmulatorHandle;
  let dir: string;

  before(async () => {
    world = await startAppCredentials({
      graphRoles: ['User.Read.All', 'GroupMember.Read.All'],
      subject: 'system:serviceaccount:kube-system:kentra-webhook',
    });
    ({ entra, dir } = world);
    await writeFile(join(dir, 'graph-secret'), `${entra.automation.secret}\n`, { mode: 0o600 });
  });
  after(() => world?.stop());

  /** Starts the webhook with this `live` section; returns it listening (after its first delta round). */
  async function webhookWith(live: Record<string, unknown>, env: Record<string, string> = {}) {
    const config = join(dir, 'kentra-webhook.yaml');
    await writeFile(
      config,
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'WebhookConfiguration',
        accessFile: world.accessPath,
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

  const modes: [string, () => Record<string, string>, string][] = [
    [
      'client-secret',
      () => ({ clientId: entra.automation.clientId, clientSecretFile: join(dir, 'graph-secret') }),
      'clientSecret',
    ],
    [
      'client-certificate',
      () => ({ clientId: world.certificate.appId, clientCertificateFile: world.certificate.file }),
      'certificate',
    ],
    [
      'workload-identity',
      () => ({ clientId: world.workload.appId, federatedTokenFile: world.workload.tokenFile }),
      'federatedIdentityCredential',
    ],
  ];
  for (const [mode, fields, credentialType] of modes)
    it(`reads Graph with graphAuth ${mode}`, async () => {
      const live = fields();
      const { webhook, stop } = await webhookWith({ graphAuth: mode, ...live });
      try {
        assert.equal(webhook.state?.ready, true, webhook.state?.lastError);
        assert.equal(lastSignInOf(String(live.clientId))?.clientCredentialType, credentialType);
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
      webhookWith({ graphAuth: 'client-certificate', clientId: world.certificate.appId }),
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
