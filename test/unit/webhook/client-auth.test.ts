/** With tls.clientCaFile set, only callers with a client certificate from that CA (the API server) get in. */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { describe, it } from 'node:test';
import { createCertificateAuthority, type KeyPairPem } from '../../../src/adapters/pki.js';
import { silentLog } from '../../../src/webhook/log.js';
import { WebhookMetrics } from '../../../src/webhook/metrics.js';
import { startWebhookServer } from '../../../src/webhook/server.js';

describe('webhook client-certificate authentication', () => {
  it('refuses callers without a certificate from the configured CA', async () => {
    const serverCa = await createCertificateAuthority('server-ca', 1);
    const clientCa = await createCertificateAuthority('apiserver-client-ca', 1);
    const otherCa = await createCertificateAuthority('someone-else', 1);
    const serving = await serverCa.issue({
      commonName: '127.0.0.1',
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
    });
    const server = await startWebhookServer({
      ...serving,
      clientCaPem: clientCa.certPem,
      host: '127.0.0.1',
      port: 0,
      pipeline: { review: async () => ({ authenticated: false, stage: 'token', reason: 'malformed_token' }) },
      metrics: new WebhookMetrics(),
      log: silentLog,
      notReady: () => undefined,
    });
    const call = (client?: KeyPairPem) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}/healthz`,
          {
            ca: serverCa.certPem,
            agent: false,
            ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const apiserver = await clientCa.issue({ commonName: 'kube-apiserver', usage: 'client' });
      assert.equal(await call(apiserver), 200);
      await assert.rejects(call(), /certificate|socket hang up|ECONNRESET/i);
      const stranger = await otherCa.issue({ commonName: 'stranger', usage: 'client' });
      await assert.rejects(call(stranger), /certificate|socket hang up|ECONNRESET|unknown ca/i);
    } finally {
      await server.close(100);
    }
  });
});
