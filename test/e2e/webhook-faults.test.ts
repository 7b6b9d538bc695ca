/**
 * The webhook under faults, with the real emulator and kube-apiserver:
 * Graph throttling (429 + Retry-After) and unavailability (503) — back off,
 * keep answering from the last state within the bound, then fail closed; the
 * issuer's JWKS down — known keys keep working; and the negative tokens, each
 * refused with its reason in the log and no token in it.
 */
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { access, grantView, startWebhookWorld, type WebhookWorld } from '../harness/webhook-world.js';

const pollIntervalSeconds = 1;
const maxStalenessSeconds = 6;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('kentra webhook under faults (real emulator, real kube-apiserver)', () => {
  let world: WebhookWorld;
  let developerToken: string;
  let kubeconfig: string;

  before(async () => {
    world = await startWebhookWorld({ pollIntervalSeconds, maxStalenessSeconds });
    await grantView(world.viaWebhook, [
      { kind: 'Group', name: `entra:group:${world.entra.groups.developers}` },
    ]);
    developerToken = (await world.entra.signInWithPassword({ user: world.entra.users.developer })).idToken;
    kubeconfig = await world.tokenKubeconfig(world.viaWebhook, developerToken);
    assert.equal(await access(kubeconfig), 'allowed');
  });
  after(() => world?.stop());

  it('backs off on 429 with Retry-After and keeps answering from the last state', async () => {
    const { entra } = world;
    const before = world.logs().length;
    entra.control.resetRequestCounts();
    const started = Date.now();
    entra.control.setFault({ match: '/v1.0/users/delta', status: 429, retryAfter: 2, times: 2 });
    // Until the webhook has honoured both Retry-After answers, every request must keep working.
    while (
      (
        world
          .logs()
          .slice(before)
          .match(/"event":"graph.retry","status":429,"delayMs":2000/g) ?? []
      ).length < 2
    ) {
      assert.equal(await access(kubeconfig), 'allowed');
      assert.ok(Date.now() - started < 30_000, 'the webhook never retried');
    }
    const syncedBefore = world.webhook.state?.syncedAt ?? 0;
    while ((world.webhook.state?.syncedAt ?? 0) <= syncedBefore)
      assert.equal(await access(kubeconfig), 'allowed');
    const elapsed = Date.now() - started;
    const graphRequests = entra.control.requestCount('graph');
    console.log(
      `[faults] 2 x 429 (Retry-After 2 s): recovered after ${elapsed} ms, ${graphRequests} Graph requests`,
    );
    assert.ok(elapsed >= 4000, 'both 2 s waits were honoured');
    assert.ok(graphRequests < 20, `Graph was not hammered (${graphRequests} requests)`);
  });

  it('on 503 it keeps answering within the bound, then fails closed, and recovers', async () => {
    const { entra } = world;
    const faultAt = Date.now();
    const lastGood = world.webhook.state?.syncedAt ?? 0;
    entra.control.setFault({ match: '/v1.0/users/delta', status: 503 });
    let deniedAt = 0;
    while (!deniedAt) {
      const answer = await access(kubeconfig);
      if (answer !== 'allowed') {
        assert.equal(answer, 'unauthorized');
        deniedAt = Date.now();
      }
      assert.ok(Date.now() - faultAt < 60_000, 'never failed closed');
    }
    const staleAfter = deniedAt - lastGood;
    const staleDenials = (world.logs().match(/"reason":"live_state_stale"/g) ?? []).length;
    const notReady = world.webhook.notReady();
    entra.control.clearFaults();
    console.log(
      `[faults] Graph 503: answered from the last state for ${deniedAt - faultAt} ms, kubectl denied ${staleAfter} ms ` +
        `after the last good delta round (bound ${maxStalenessSeconds} s; kube-apiserver keeps a success for up to 10 s more)`,
    );
    assert.ok(staleAfter >= maxStalenessSeconds * 1000, `failed closed too early (${staleAfter} ms)`);
    // kube-apiserver's fixed 10 s cache of successful authentications (see webhook-offboarding.test.ts).
    assert.ok(
      staleAfter <= (maxStalenessSeconds + 10 + 1 + 3) * 1000,
      `failed closed too late (${staleAfter} ms)`,
    );
    assert.ok(staleDenials > 0, 'the webhook denied with live_state_stale');
    assert.equal(notReady, 'live_state_stale', '/readyz reported the stale state');

    const clearedAt = Date.now();
    while ((await access(kubeconfig)) !== 'allowed')
      assert.ok(Date.now() - clearedAt < 60_000, 'never recovered after the fault cleared');
    console.log(`[faults] Graph back: allowed again after ${Date.now() - clearedAt} ms`);
  });

  it('keeps validating tokens with known keys while the issuer is down', async () => {
    const { entra } = world;
    entra.control.clearFaults();
    const since = Date.now(); // a failed test before this one may have left Graph faulted
    while ((await access(kubeconfig)) !== 'allowed')
      assert.ok(Date.now() - since < 60_000, 'Graph never recovered');
    entra.control.setFault({ match: 'jwks', status: 503 });
    try {
      const fresh = (await entra.signInWithPassword({ user: entra.users.developer })).idToken;
      assert.notEqual(
        decodeJwt(fresh).uti,
        decodeJwt(developerToken).uti,
        'a token the webhook has not seen',
      );
      assert.equal(await access(await world.tokenKubeconfig(world.viaWebhook, fresh)), 'allowed');
    } finally {
      entra.control.clearFaults();
    }
  });

  describe('negative tokens: refused, reason logged, token never logged', () => {
    const cases: Array<[string, string, () => Promise<string>]> = [
      [
        'alg none',
        'algorithm_not_allowed',
        async () => `${b64({ alg: 'none', typ: 'JWT' })}.${developerToken.split('.')[1]}.`,
      ],
      [
        'HS256 signed with the public key',
        'algorithm_not_allowed',
        async () => {
          const { entra } = world;
          const jwks = (await entra.fetchJson(`${entra.url}/${entra.tenantId}/discovery/v2.0/keys`)).body as {
            keys: Array<Record<string, unknown>>;
          };
          const kid = entra.control.activeKid();
          const jwk = jwks.keys.find((k) => k.kid === kid);
          const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({
            type: 'spki',
            format: 'pem',
          });
          const input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${developerToken.split('.')[1]}`;
          return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
        },
      ],
      [
        'unknown kid',
        'unknown_kid',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return new SignJWT(decodeJwt(developerToken))
            .setProtectedHeader({ alg: 'RS256', kid: 'kid-nobody-published' })
            .sign(privateKey);
        },
      ],
      [
        'tampered payload',
        'bad_signature',
        async () => {
          const [header, , signature] = developerToken.split('.');
          const claims = { ...decodeJwt(developerToken), oid: world.entra.users.admin.oid };
          return `${header}.${b64(claims)}.${signature}`;
        },
      ],
      [
        'expired',
        'expired',
        () =>
          world.entra.control.mintIdToken({
            user: world.entra.users.developer.upn,
            clientId: world.entra.clientId,
            issuedAtOffsetSeconds: -7200,
            lifetimeSeconds: 3600,
          }),
      ],
      [
        'not yet valid',
        'not_yet_valid',
        () =>
          world.entra.control.mintIdToken({
            user: world.entra.users.developer.upn,
            clientId: world.entra.clientId,
            issuedAtOffsetSeconds: 3600,
          }),
      ],
      [
        'wrong audience',
        'audience_mismatch',
        () =>
          world.entra.control.mintIdToken({
            user: world.entra.users.developer.upn,
            clientId: world.entra.otherClientId,
          }),
      ],
      [
        'v1 issuer where v2 is configured',
        'issuer_not_accepted',
        async () => (await world.entra.signInWithPassword({ user: world.entra.users.developer })).accessToken,
      ],
    ];
    for (const [name, reason, make] of cases)
      it(`${name}: kubectl gets 401, the log says ${reason}`, async () => {
        const token = await make();
        const before = world.logs().length;
        assert.equal(await access(await world.tokenKubeconfig(world.viaWebhook, token)), 'unauthorized');
        assert.match(world.logs().slice(before), new RegExp(`"reason":"${reason}"`));
        for (const part of token.split('.').filter((p) => p.length > 8))
          assert.ok(!world.logs().includes(part.slice(0, 40)), 'a piece of the token reached the log');
      });

    function post(body: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const req = request(
          `${world.webhook.server.url}/authenticate`,
          { method: 'POST', ...world.apiserverClient },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve(-1) : reject(error),
        );
        req.end(body);
      });
    }

    it('a 1 MB token and malformed JSON bodies are refused cleanly at the webhook', async () => {
      const before = world.logs().length;
      const huge = JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token: 'e'.repeat(1024 * 1024) },
      });
      assert.ok([413, -1].includes(await post(huge)));
      for (const body of [
        '{"apiVersion":',
        '[]',
        '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"}',
      ])
        assert.equal(await post(body), 400);
      const lines = world.logs().slice(before);
      assert.match(lines, /"reason":"body_too_large"/);
      assert.equal((lines.match(/"reason":"malformed_request"/g) ?? []).length, 3);
      assert.ok(!lines.includes('eeeeeeeeee'));
    });
  });
});
