/**
 * This checkout's review pipeline against another checkout's (e.g. main), in
 * one process, alternating round by round, so the shared machine's noise hits
 * both alike: first-sight reviews (signature verify) and repeated reviews
 * (remembered answer), best of 5 rounds each, and their ratio.
 *
 *   taskset -c 0 node --import tsx bench/webhook-ab.ts /work/main
 *
 * Run it twice with the order swapped (--other-first): the pipeline built
 * second tends to measure a few percent lower (GC, JIT), so compare the mean
 * of both orders. A/A (the same checkout twice) shows the noise floor.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebhookConfig } from '../src/webhook/config.js';
import { buildPipeline } from '../src/webhook/webhook.js';
import { benchConfig, benchDeps, sign, users } from './webhook-world.js';

const otherRoot = process.argv.find((a, i) => i > 1 && !a.startsWith('--'));
if (!otherRoot) throw new Error('usage: bench/webhook-ab.ts <other checkout> [--other-first]');
const other = (await import(pathToFileURL(resolve(otherRoot, 'src/webhook/webhook.ts')).href)) as {
  buildPipeline: typeof buildPipeline;
};

// An older checkout's config type may name fields this one dropped: the live section also
// carries the token endpoint the webhook had before --graph-auth (d3e973b reads it).
const config = {
  ...benchConfig,
  live: { ...benchConfig.live, tokenEndpoint: `${benchConfig.entra.loginBase}/token` },
} as WebhookConfig;
const deps = benchDeps;

type Built = ReturnType<typeof buildPipeline>;
const build = {
  this: () => buildPipeline(config, deps),
  other: () => other.buildPipeline(config, deps) as Built,
};
const order = process.argv.includes('--other-first')
  ? (['other', 'this'] as const)
  : (['this', 'other'] as const);
const pipelines = {} as Record<'this' | 'other', Built>;
for (const name of order) pipelines[name] = build[name]();
for (const name of order) {
  await pipelines[name].warmUp();
  await pipelines[name].state?.start();
  await pipelines[name].state?.stop();
}
const rounds = 5;
const perRound = 1500;
const repeated = 200_000;
const fresh = { this: [] as string[], other: [] as string[] };
for (const name of order)
  fresh[name] = Array.from({ length: perRound * rounds }, (_, i) =>
    sign(users[i % users.length] as string, i),
  );
const pool = fresh.this.slice(0, 1000);
for (const name of order) for (const token of pool) await pipelines[name].pipeline.review(token);
const best = { this: { first: 0, repeated: 0 }, other: { first: 0, repeated: 0 } };
for (let round = 0; round < rounds; round++)
  for (const name of round % 2 ? [...order].reverse() : order) {
    const { pipeline } = pipelines[name];
    let started = performance.now();
    for (const token of fresh[name].slice(round * perRound, (round + 1) * perRound))
      if (!(await pipeline.review(token)).authenticated)
        throw new Error('a review was denied: the bench is broken');
    best[name].first = Math.max(best[name].first, perRound / ((performance.now() - started) / 1000));
    started = performance.now();
    for (let i = 0; i < repeated; i++) await pipeline.review(pool[i % pool.length] as string);
    best[name].repeated = Math.max(best[name].repeated, repeated / ((performance.now() - started) / 1000));
  }
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `review pipeline, this checkout vs ${otherRoot} (built ${order.join(' then ')}; best of ${rounds} alternating rounds)`,
);
for (const kind of ['first', 'repeated'] as const)
  console.log(
    `${kind === 'first' ? 'first sight' : 'repeated   '}: this ${fmt(best.this[kind])}/s, other ${fmt(best.other[kind])}/s -> ${(best.this[kind] / best.other[kind]).toFixed(3)}x`,
  );
