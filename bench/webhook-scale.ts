/**
 * The webhook at tenant scale (issue #13), with `kentra webhook` as separate
 * processes (dist/bin/kentra.js), the emulator serving a generated tenant and
 * a real redis-server as the shared store:
 *
 *   cold start to ready      a first replica: full Graph sync of the tenant, <= 60 s
 *   RSS                      of that replica once ready (and its peak),      <= 400 MB
 *   warm restart             the replica restarted: snapshot + stream from Redis, <= 5 s
 *   Graph requests per poll interval, per tenant, for 1, 3 and 10 replicas and for 2 clusters
 *   (2 x 3 replicas) sharing the store: must not grow with them
 *
 * Tenant: 100,000 users, 20,000 groups, 1,000,000 memberships, nesting 3 deep, an access file naming
 * 200 groups. Needs `npm run build` first and redis-server.
 *
 *   node --import tsx bench/webhook-scale.ts [--quick]     (--quick: a tenant a tenth the size)
 *
 * Review throughput on one core is bench/webhook.ts (run it on main and here, in the same session).
 */
import { readFile } from 'node:fs/promises';
import { generatedGroupName, generateSeed } from '../src/emulator/seed-generator.js';
import {
  type ReplicatedWebhookWorld,
  startReplicatedWebhookWorld,
  type WebhookProcess,
} from '../test/harness/webhook-replicas.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const size = {
  users: 100_000 * scale,
  groups: 20_000 * scale,
  memberships: 1_000_000 * scale,
  nestingDepth: 3,
};
const budgets = { coldSeconds: 60, rssMb: 400, warmSeconds: 5 };

async function memoryMb(pid: number | undefined): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function readyAfter(replica: WebhookProcess, since: number, limitMs = 300_000): Promise<number> {
  for (;;) {
    const answer = await replica.health('/readyz').catch(() => ({ status: 0, body: '' }));
    if (answer.status === 200) return (Date.now() - since) / 1000;
    if (Date.now() - since > limitMs) throw new Error(`not ready after ${limitMs} ms:\n${replica.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const verdict = (value: number, budget: number, lowerIsBetter = true) =>
  `${(lowerIsBetter ? budget / value : value / budget).toFixed(2)}x ${
    (lowerIsBetter ? value <= budget : value >= budget) ? 'within' : 'OVER'
  } budget`;

console.log(
  `kentra webhook at tenant scale (node ${process.version}${quick ? ', --quick' : ''}): ` +
    `${size.users.toLocaleString()} users, ${size.groups.toLocaleString()} groups, ` +
    `${size.memberships.toLocaleString()} memberships, nesting ${size.nestingDepth}, access file naming 200 groups`,
);

// --- cold start, RSS, warm restart on the big tenant ---------------------------------------------
let started = Date.now();
const seed = JSON.stringify(generateSeed(size));
const big = await startReplicatedWebhookWorld({
  replicas: 0,
  pollIntervalSeconds: 5,
  maxStalenessSeconds: 60,
  leaseSeconds: 15,
  snapshotSeconds: 10,
  seed,
  apiserver: false,
  ruleGroups: Array.from({ length: 200 }, (_, i) => generatedGroupName(i)),
});
console.log(
  `emulator with the generated tenant up in ${((Date.now() - started) / 1000).toFixed(1)} s (in this process)`,
);
try {
  big.entra.control.resetRequestCounts();
  started = Date.now();
  const first = await big.addReplica();
  const cold = await readyAfter(first, started);
  const pages = big.entra.control.requestCount('graph');
  const memory = await memoryMb(first.child.pid);
  console.log(
    `cold start to ready:   ${cold.toFixed(1)} s (${pages} Graph requests)  budget ${budgets.coldSeconds} s -> ${verdict(cold, budgets.coldSeconds)}`,
  );
  console.log(
    `RSS when ready:        ${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)  budget ${budgets.rssMb} MB -> ${verdict(memory.peak, budgets.rssMb)}`,
  );
  await waitForSnapshot(big);
  await first.stop();
  big.entra.control.resetRequestCounts();
  started = Date.now();
  const again = await big.addReplica();
  const warm = await readyAfter(again, started);
  const warmMemory = await memoryMb(again.child.pid);
  console.log(
    `warm restart to ready: ${warm.toFixed(1)} s from the Redis snapshot (${big.entra.control.requestCount('graph')} Graph requests meanwhile), RSS ${warmMemory.rss.toFixed(0)} MB  budget ${budgets.warmSeconds} s -> ${verdict(warm, budgets.warmSeconds)}`,
  );
  started = Date.now();
  const follower = await big.addReplica();
  console.log(`second replica (follower) ready in ${(await readyAfter(follower, started)).toFixed(1)} s`);
} finally {
  await big.stop();
}

// --- Graph requests per poll interval: 1, 3, 10 replicas; 2 clusters sharing the store -----------
const poll = 1;
const small = await startReplicatedWebhookWorld({
  replicas: 0,
  pollIntervalSeconds: poll,
  maxStalenessSeconds: 30,
  leaseSeconds: 3,
  snapshotSeconds: 5,
  apiserver: false,
});
try {
  const rows: string[] = [];
  let baseline: number | undefined;
  for (const [label, count] of [
    ['1 replica', 1],
    ['3 replicas', 3],
    ['10 replicas', 10],
    ['2 clusters x 3 replicas, one store', 6],
  ] as const) {
    while (small.replicas.filter((r) => r.child.exitCode === null).length < count) await small.addReplica();
    await small.allReady();
    await small.leader();
    small.entra.control.resetRequestCounts();
    const windowMs = 10_000;
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const perInterval = small.entra.control.requestCount('graph') / ((Date.now() - since) / 1000 / poll);
    baseline ??= perInterval;
    rows.push(
      `  ${label.padEnd(36)} ${perInterval.toFixed(2)} per ${poll} s poll interval (${(perInterval / baseline).toFixed(2)}x one replica)`,
    );
    for (const replica of small.replicas) await replica.stop();
  }
  console.log(`Graph requests per poll interval for the tenant (demo tenant, poll ${poll} s, 10 s window):`);
  console.log(rows.join('\n'));
} finally {
  await small.stop();
}

async function waitForSnapshot(world: ReplicatedWebhookWorld): Promise<void> {
  const since = Date.now();
  while ((await world.redis.command('KEYS', '*:snapshot')).trim() === '') {
    if (Date.now() - since > 60_000) throw new Error('no snapshot within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
