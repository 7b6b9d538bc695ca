/**
 * With tls.clientCaFile set, only callers with a client certificate from that CA (the API server) get
 * in — to /authenticate and /debug/state; probes and scrapers use the plain-HTTP health port.
 */
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
      healthPort: 0,
      debugState: () => ({ users: 3, leader: true }),
    });
    const call = (client?: KeyPairPem, path = '/healthz') =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}${path}`,
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
      assert.equal(await call(apiserver, '/debug/state'), 200);
      await assert.rejects(call(undefined, '/debug/state'), /certificate|socket hang up|ECONNRESET/i);
      // The health port: no certificate needed, and nothing but health, readiness and metrics.
      for (const path of ['/healthz', '/readyz', '/metrics'])
        assert.equal((await fetch(`${server.healthUrl}${path}`)).status, 200, path);
      const readyz = await (await fetch(`${server.healthUrl}/readyz`)).text();
      assert.equal(readyz, 'ok\n', 'no warning: client certificates are required');
      for (const path of ['/authenticate', '/debug/state'])
        assert.equal((await fetch(`${server.healthUrl}${path}`, { method: 'GET' })).status, 404, path);
    } finally {
      await server.close(100);
    }
  });
});
