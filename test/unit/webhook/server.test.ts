/**
 * The assembled webhook over real HTTPS on 127.0.0.1: TokenReviews in, answers
 * and JSON log lines out. Proves that every negative token is refused with its
 * reason in the log and no token material anywhere in the log, that bad bodies
 * are refused cleanly, and that a membership removal denies a cached token on
 * the next review.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createCertificateAuthority } from '../../../src/adapters/pki.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../../src/webhook/config.js';
import { jsonLog } from '../../../src/webhook/log.js';
import { startWebhook, type Webhook } from '../../../src/webhook/webhook.js';
import { negativeTokens } from '../../fixtures/negative-tokens.js';
import { startTestIssuer, type TestIssuer } from '../../helpers/test-issuer.js';
import { FakeGraph } from './fake-graph.js';

interface Answer {
  status: number;
  body: string;
}

describe('kentra webhook server', () => {
  let issuer: TestIssuer;
  let webhook: Webhook;
  let caPem: string;
  let graph: FakeGraph;
  let logText = '';
  const alice = randomUUID();
  const ops = randomUUID();

  before(async () => {
    issuer = await startTestIssuer();
    graph = new FakeGraph();
    graph.addUser(alice);
    graph.addGroup(ops, [alice]);
    const ca = await createCertificateAuthority('webhook-test-ca', 1);
    caPem = ca.certPem;
    const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
    const document = parseWebhookConfig(
      stringify({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'WebhookConfiguration',
        listen: { host: '127.0.0.1', port: 0 },
        entra: {
          tenants: [issuer.tenantId],
          audiences: [issuer.clientId],
          allowedClientApps: [issuer.clientId],
          loginBase: issuer.bases.v2,
          stsBase: issuer.bases.v1,
        },
        live: { clientId: 'graph-reader', pollIntervalSeconds: 3600, maxStalenessSeconds: 3600 },
      }),
      'test.yaml',
    );
    const config = resolveWebhookConfig(document, undefined, 'test.yaml');
    webhook = await startWebhook(config, {
      now: Date.now,
      fetch: issuer.fetch,
      graph,
      log: jsonLog({ write: (line) => (logText += line) }, Date.now, 'debug'),
      tls: serving,
    });
  });
  after(async () => {
    await webhook.stop(100);
    await issuer.close();
  });

  function call(method: string, path: string, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${webhook.server.url}${path}`, { method, ca: caPem }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        // The server may close the socket right after a 413 while we still write.
        error.code === 'EPIPE' || error.code === 'ECONNRESET'
          ? resolve({ status: -1, body: '' })
          : reject(error),
      );
      req.end(body);
    });
  }

  const review = (token: string) =>
    call(
      'POST',
      '/authenticate',
      JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
    );

  it('authenticates a valid token with the mapped user, groups and extras', async () => {
    const token = await issuer.sign({ oid: alice, groups: [ops, 'not-a-member-anymore'], sid: 'session-1' });
    const answer = await review(token);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body);
    assert.equal(body.apiVersion, 'authentication.k8s.io/v1');
    assert.equal(body.kind, 'TokenReview');
    assert.equal(body.status.authenticated, true);
    assert.equal(body.status.user.username, `entra:${alice}`);
    assert.equal(body.status.user.uid, undefined, 'no uid: the structured config maps none');
    assert.deepEqual(body.status.user.groups, [`entra:group:${ops}`]);
    assert.deepEqual(body.status.user.extra['kentra.dev/sid'], ['session-1']);
    assert.equal(body.spec, undefined, 'the answer does not echo the token');
  });

  it('denies the same (cached) token on the next review after the removal reaches the state', async () => {
    const bob = randomUUID();
    graph.addUser(bob);
    graph.addMember(ops, bob);
    await webhook.state?.syncOnce();
    const token = await issuer.sign({ oid: bob, groups: [ops] });
    assert.deepEqual(JSON.parse((await review(token)).body).status.user.groups, [`entra:group:${ops}`]);
    graph.removeMember(ops, bob);
    graph.disable(bob);
    await webhook.state?.syncOnce();
    const denied = JSON.parse((await review(token)).body);
    assert.deepEqual(denied.status, { authenticated: false, error: 'kentra: account_disabled' });
  });

  for (const [name, reason, make] of negativeTokens)
    it(`refuses ${name}: reason ${reason} in the log, no token in it`, async () => {
      const token = await make(issuer, Date.now);
      const before = logText.length;
      const answer = await review(token);
      const lines = logText.slice(before);
      if (answer.status === 200) {
        assert.deepEqual(JSON.parse(answer.body).status, {
          authenticated: false,
          error: `kentra: ${reason}`,
        });
        assert.match(lines, new RegExp(`"reason":"${reason}"`));
      } else {
        // A 1 MB token does not fit the body limit: refused before parsing, with its own reason.
        assert.equal(name, 'a 1 MB token');
        assert.ok(answer.status === 413 || answer.status === -1, `status ${answer.status}`);
        assert.match(lines, /"reason":"body_too_large"/);
      }
      for (const part of token.split('.').filter((p) => p.length > 8))
        assert.ok(!logText.includes(part.slice(0, 40)), 'a piece of the token reached the log');
    });

  const malformed: Array<[string, string]> = [
    ['not JSON', '{"apiVersion": '],
    ['a JSON list', '[1,2]'],
    ['a wrong apiVersion', JSON.stringify({ apiVersion: 'v1', kind: 'TokenReview', spec: { token: 'x' } })],
    [
      'a wrong kind',
      JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'Pod', spec: { token: 'x' } }),
    ],
    ['no token', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} })],
    [
      'audiences not strings',
      JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token: 'x', audiences: [1] },
      }),
    ],
  ];
  for (const [name, body] of malformed)
    it(`refuses a malformed body (${name}) with 400 and a reason`, async () => {
      const before = logText.length;
      const answer = await call('POST', '/authenticate', body);
      assert.equal(answer.status, 400);
      assert.match(JSON.parse(answer.body).error, /^malformed TokenReview: /);
      assert.match(logText.slice(before), /"reason":"malformed_request"/);
    });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    assert.deepEqual(await call('GET', '/healthz'), { status: 200, body: 'ok\n' });
    assert.deepEqual(await call('GET', '/readyz'), {
      status: 200,
      body: 'ok (warning: /authenticate does not require a client certificate: tls.clientAuth none)\n',
    });
    const metrics = await call('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^kentra_webhook_reviews_total\{result="allowed"\} [1-9]/m);
    assert.match(metrics.body, /^kentra_webhook_reviews_total\{result="denied",reason="bad_signature"\} 1$/m);
    assert.match(metrics.body, /^kentra_webhook_cache_total\{result="hit"\} [1-9]/m);
    assert.match(metrics.body, /^kentra_webhook_review_duration_seconds_count [1-9]/m);
    assert.match(metrics.body, /^kentra_webhook_live_state_staleness_seconds [0-9.]+$/m);
    assert.equal((await call('GET', '/nowhere')).status, 404);
    assert.equal((await call('GET', '/authenticate')).status, 405);
  });
});
