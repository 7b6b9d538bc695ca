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
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebhookConfig } from '../src/webhook/config.js';
import type { GraphReader } from '../src/webhook/graph-reader.js';
import { silentLog } from '../src/webhook/log.js';
import { buildPipeline } from '../src/webhook/webhook.js';

const otherRoot = process.argv.find((a, i) => i > 1 && !a.startsWith('--'));
if (!otherRoot) throw new Error('usage: bench/webhook-ab.ts <other checkout> [--other-first]');
const other = (await import(pathToFileURL(resolve(otherRoot, 'src/webhook/webhook.ts')).href)) as {
  buildPipeline: typeof buildPipeline;
};

const tenant = randomUUID();
const clientId = randomUUID();
const loginBase = 'https://login.bench.invalid';
const kid = 'bench-key';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const users = Array.from({ length: 10_000 }, () => randomUUID());
const groups = Array.from({ length: 20 }, () => randomUUID());

function sign(oid: string, i: number): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: clientId, iss: `${loginBase}/${tenant}/v2.0`, iat: now, nbf: now, exp: now + 3600 };
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64({ ...claims, oid, tid: tenant, uti: `ab-${i}`, ver: '2.0', groups: groups.slice(0, 5) })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

const graph: GraphReader = {
  async get(url) {
    if (url.includes('deltatoken')) return { value: [], '@odata.deltaLink': url };
    if (url.includes('/users/delta'))
      return {
        value: users.map((id) => ({ id, accountEnabled: true })),
        '@odata.deltaLink': '/users/delta?$deltatoken=1',
      };
    const member = (u: string) => ({ '@odata.type': '#microsoft.graph.user', id: u });
    return {
      value: groups.map((id, i) => ({ id, 'members@delta': i < 5 ? users.map(member) : [] })),
      '@odata.deltaLink': '/groups/delta?$deltatoken=1',
    };
  },
  async post() {
    return { value: groups };
  },
};
const config = {
  accessFile: undefined,
  listen: { host: '127.0.0.1', port: 0 },
  tls: undefined,
  entra: {
    tenants: [tenant],
    audiences: [clientId],
    issuerVersions: ['v2'],
    loginBase,
    stsBase: loginBase,
    clockSkewSeconds: 60,
  },
  live: {
    graphBase: 'https://graph.bench.invalid',
    tokenEndpoint: `${loginBase}/token`,
    clientId: 'bench',
    clientSecretFile: undefined,
    pollIntervalSeconds: 3600,
    maxStalenessSeconds: 7200,
  },
  policy: { maxTokenAgeSeconds: undefined, allowedNetworks: [] },
  cache: { ttlSeconds: 3600, maxEntries: 100_000 },
  limits: { maxBodyBytes: 64 * 1024, maxTokenLength: 32 * 1024 },
  log: { level: 'info' },
} as unknown as WebhookConfig;
const deps = {
  now: Date.now,
  fetch: async () => ({
    status: 200,
    headers: { get: () => null },
    text: async () => JSON.stringify({ keys: [jwk] }),
  }),
  graph,
  log: silentLog,
};

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
