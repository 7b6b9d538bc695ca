/** Graceful shutdown: in-flight reviews finish, new connections are refused. */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { describe, it } from 'node:test';
import { createCertificateAuthority } from '../../../src/adapters/pki.js';
import { silentLog } from '../../../src/webhook/log.js';
import { WebhookMetrics } from '../../../src/webhook/metrics.js';
import type { ReviewOutcome } from '../../../src/webhook/review.js';
import { startWebhookServer } from '../../../src/webhook/server.js';

describe('webhook server shutdown', () => {
  it('lets an in-flight review finish and then refuses new connections', async () => {
    const ca = await createCertificateAuthority('shutdown-test', 1);
    const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
    let release: (outcome: ReviewOutcome) => void = () => {};
    let arrived: () => void = () => {};
    const reviewArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await startWebhookServer({
      ...serving,
      host: '127.0.0.1',
      port: 0,
      pipeline: {
        review: () => {
          arrived();
          return new Promise<ReviewOutcome>((resolve) => {
            release = resolve;
          });
        },
      },
      metrics: new WebhookMetrics(),
      log: silentLog,
      notReady: () => undefined,
    });
    const post = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${server.url}/authenticate`,
          { method: 'POST', ca: ca.certPem, agent: false },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(
          JSON.stringify({
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token: 't' },
          }),
        );
      });
    const inFlight = post();
    await reviewArrived;
    const closed = server.close(5000);
    await assert.rejects(post(), /ECONNREFUSED/);
    release({ authenticated: false, stage: 'token', reason: 'malformed_token' });
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body).status, {
      authenticated: false,
      error: 'kentra: malformed_token',
    });
    await closed;
  });
});
