/**
 * Acceptance of issue #13: three `kentra webhook` processes sharing their live
 * state through a real redis-server, behind a loopback balancer (the Service),
 * reviewing for a real kube-apiserver that presents its client certificate;
 * Entra is the emulator. Offboarding is measured from the change in Entra to
 * the first kubectl request that is refused.
 *
 * The API server keeps every successful authentication for 10 s whatever the
 * webhook says (TokenSuccessCacheTTL, see webhook-offboarding.test.ts), so
 * every bound below is 10 s + what the webhook adds. Short poll interval,
 * lease and snapshot interval keep the run short; production defaults are
 * 5 s, 15 s and 60 s.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { run } from '../harness/processes.js';
import {
  kentraBin,
  type ReplicatedWebhookWorld,
  startReplicatedWebhookWorld,
  startWebhookProcess,
} from '../harness/webhook-replicas.js';
import { access, grantView, msUntilDenied, writeTokenKubeconfig } from '../harness/webhook-world.js';

const poll = 1;
const lease = 3;
const maxStaleness = 20;
const apiserverCache = 10;
const slack = 4;

describe('kentra webhook: three replicas, shared state in Redis (real emulator, redis-server, kube-apiserver)', () => {
  let world: ReplicatedWebhookWorld;
  let kubeconfig: string;
  let developer: string;

  before(async () => {
    world = await startReplicatedWebhookWorld({
      replicas: 3,
      pollIntervalSeconds: poll,
      maxStalenessSeconds: maxStaleness,
      leaseSeconds: lease,
      snapshotSeconds: 2,
    });
    await world.allReady();
    const cluster = world.cluster;
    assert.ok(cluster);
    await grantView(cluster, [{ kind: 'Group', name: `entra:group:${world.entra.groups.developers}` }]);
    developer = world.entra.users.developer.upn;
    const token = (await world.entra.signInWithPassword({ user: world.entra.users.developer })).idToken;
    kubeconfig = await writeTokenKubeconfig(join(world.dir, 'developer.kubeconfig'), cluster, token);
    assert.equal(await access(kubeconfig), 'allowed');
  });
  after(() => world?.stop());

  /** Re-enables the developer and waits until kubectl works again (the previous scenario disabled them). */
  async function developerAllowedAgain() {
    world.entra.control.clearFaults();
    world.entra.control.setUserEnabled(developer, true);
    const since = Date.now();
    while ((await access(kubeconfig)) !== 'allowed')
      assert.ok(Date.now() - since < 60_000, 'the developer was never allowed again');
  }

  const deniedWithin = (label: string, ms: number, boundSeconds: number) => {
    console.log(
      `[replicas] ${label}: denied ${(ms / 1000).toFixed(1)} s after the change (bound ${boundSeconds} s)`,
    );
    assert.ok(ms <= boundSeconds * 1000, `${label}: ${ms} ms > ${boundSeconds} s`);
  };

  it('one leader polls Graph for all three; Graph requests per poll interval do not grow with replicas', async () => {
    await world.leader();
    world.entra.control.resetRequestCounts();
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const perInterval = world.entra.control.requestCount('graph') / ((Date.now() - since) / 1000 / poll);
    console.log(`[replicas] 3 replicas: ${perInterval.toFixed(2)} Graph requests per poll interval`);
    // One round is users/delta + groups/delta: 2 per interval, however many replicas.
    assert.ok(perInterval <= 2.5, `${perInterval} Graph requests per interval`);
  });

  it('SIGKILL the leader: a new leader within the lease TTL; a user disabled meanwhile is denied in time', async () => {
    await developerAllowedAgain();
    const leader = await world.leader();
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    world.entra.control.setUserEnabled(developer, false);
    const denied = msUntilDenied(kubeconfig, killedAt, 90_000);
    const next = await world.leader(30_000);
    const takeover = Date.now() - killedAt;
    console.log(
      `[replicas] leader ${leader.name} killed: ${next.name} leads after ${(takeover / 1000).toFixed(1)} s`,
    );
    assert.notEqual(next.name, leader.name);
    // The lease lapses within its TTL; the others try every TTL/3.
    assert.ok(takeover <= lease * 1000 * (4 / 3) + 1500, `takeover took ${takeover} ms (lease ${lease} s)`);
    deniedWithin('disabled during the failover', await denied, apiserverCache + poll + lease + slack);
    await world.addReplica();
    await world.allReady();
  });

  it('partial failure: users/delta applied, groups/delta failing past the retries: the token is denied', async () => {
    await developerAllowedAgain();
    world.entra.control.setFault({ match: '/v1.0/groups/delta', status: 503 });
    const changedAt = Date.now();
    world.entra.control.setUserEnabled(developer, false);
    const ms = await msUntilDenied(kubeconfig, changedAt, 60_000);
    // Denied for the account, not because the state went stale (that takes maxStaleness).
    deniedWithin('groups/delta failing', ms, apiserverCache + poll + slack);
    assert.ok(ms < (maxStaleness + 1) * 1000);
    assert.ok(world.replicas.some((r) => /"reason":"account_disabled"/.test(r.logs())));
    world.entra.control.clearFaults();
    const recovered = Date.now();
    while (Date.now() - recovered < 3000)
      assert.equal(await access(kubeconfig), 'unauthorized', 'still denied');
    await developerAllowedAgain();
  });

  it('429 storm with Retry-After and 503s mid-round: no change lost, denied in time once Graph answers', async () => {
    await developerAllowedAgain();
    world.entra.control.setFault({ match: '/v1.0/users/delta', status: 429, retryAfter: 1 });
    world.entra.control.setFault({ match: '/v1.0/groups/delta', status: 503 });
    world.entra.control.setUserEnabled(developer, false);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    assert.equal(await access(kubeconfig), 'allowed', 'the storm hid the change so far (no Graph)');
    world.entra.control.clearFaults();
    const answeredAt = Date.now();
    deniedWithin(
      'after a 429/503 storm',
      await msUntilDenied(kubeconfig, answeredAt, 60_000),
      apiserverCache + poll + slack,
    );
    const retries = world.replicas
      .map((r) => r.logs())
      .join('')
      .match(/"event":"graph.retry","status":429/g);
    assert.ok(retries && retries.length > 0, 'Retry-After was honoured');
  });

  it('redis-server stopped: answers from memory, then fails closed; back: recovers without a restart', async () => {
    await developerAllowedAgain();
    const pids = world.replicas.filter((r) => r.child.exitCode === null).map((r) => r.child.pid);
    await world.redis.stop();
    const stoppedAt = Date.now();
    assert.equal(await access(kubeconfig), 'allowed', 'answers from memory');
    const ms = await msUntilDenied(kubeconfig, stoppedAt, 90_000);
    console.log(
      `[replicas] redis-server stopped: kubectl denied after ${(ms / 1000).toFixed(1)} s (maxStaleness ${maxStaleness} s)`,
    );
    assert.ok(ms >= (maxStaleness - poll - 1) * 1000, `failed closed too early (${ms} ms)`);
    assert.ok(ms <= (maxStaleness + apiserverCache + slack) * 1000, `failed closed too late (${ms} ms)`);
    await world.redis.start();
    const back = Date.now();
    while ((await access(kubeconfig)) !== 'allowed')
      assert.ok(Date.now() - back < 60_000, 'never recovered after redis-server came back');
    console.log(
      `[replicas] redis-server back: allowed again after ${((Date.now() - back) / 1000).toFixed(1)} s`,
    );
    assert.deepEqual(
      world.replicas.filter((r) => r.child.exitCode === null).map((r) => r.child.pid),
      pids,
      'no replica restarted',
    );
  });

  describe('bad input', () => {
    it('a store that cannot be reached at start: not ready, naming the store', async () => {
      const config = parse(await readFile(world.configPath, 'utf8')) as Record<
        string,
        Record<string, unknown>
      >;
      const urlFile = join(world.dir, 'dead-redis-url');
      const dead = `redis://127.0.0.1:${world.redis.port + 1}`;
      await writeFile(urlFile, dead);
      (config.live as { store: Record<string, unknown> }).store.urlFile = urlFile;
      const path = join(world.dir, 'dead-store.yaml');
      await writeFile(path, stringify(config));
      const replica = await startWebhookProcess('dead-store', path);
      try {
        const ready = await replica.health('/readyz');
        assert.equal(ready.status, 503);
        assert.match(ready.body, new RegExp(`store ${dead.replace(/[.]/g, '\\.')} unreachable`));
      } finally {
        await replica.stop();
      }
    });

    it('a corrupt snapshot is ignored with a warning, followed by a full sync', async () => {
      let keys: string[] = [];
      const since = Date.now();
      while (keys.length === 0) {
        // After redis-server came back empty, the leader writes a new snapshot within its interval.
        keys = (await world.redis.command('KEYS', '*:snapshot')).split('\n').filter(Boolean);
        assert.ok(Date.now() - since < 30_000, 'no snapshot was written');
        if (keys.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(keys.length, 1, keys.join(','));
      await world.redis.command(
        'SET',
        keys[0] as string,
        '{"format":"kentra.webhook.state/v1","state":"garbage"}',
      );
      await world.redis.command('XTRIM', (keys[0] as string).replace(/:snapshot$/, ':stream'), 'MAXLEN', '0');
      const replica = await world.addReplica();
      await world.allReady();
      assert.match(replica.logs(), /"event":"store.snapshot_rejected".*corrupt/);
      assert.ok(
        world.replicas.some((r) => /"event":"store.full_resync"/.test(r.logs())),
        'the leader listed everything',
      );
      assert.equal(await access(kubeconfig), 'allowed');
    });

    it('a config without tls.clientCaFile and without tls.clientAuth none: refused by --check and at start', async () => {
      const config = parse(await readFile(world.configPath, 'utf8')) as { tls: Record<string, unknown> };
      delete config.tls.clientCaFile;
      const path = join(world.dir, 'open.yaml');
      await writeFile(path, stringify(config));
      for (const args of [['--check'], []]) {
        const result = await run(process.execPath, [kentraBin, 'webhook', '--config', path, ...args]);
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /tls\.clientCaFile: is required/);
        assert.match(result.stderr, /tls\.clientAuth: none/);
      }
    });
  });
});
