/**
 * The world the webhook benches review tokens in: one tenant and app, an RS256
 * key served as the tenant's JWKS, 10,000 users of whom every one is in the
 * first five of 20 groups (one full Graph delta page), and a configuration with
 * live checks whose state is synced once. bench/webhook.ts and
 * bench/webhook-ab.ts share it, so their figures are of the same workload.
 */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { WebhookConfig } from '../src/webhook/config.js';
import type { GraphReader } from '../src/webhook/graph-reader.js';
import { silentLog } from '../src/webhook/log.js';

const tenant = randomUUID();
const clientId = randomUUID();
const loginBase = 'https://login.bench.invalid';
const kid = 'bench-key';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export { publicKey };
export const users = Array.from({ length: 10_000 }, () => randomUUID());
const groups = Array.from({ length: 20 }, () => randomUUID());

/** A fresh v2 token of `oid` for the bench app, unique by `i` (its uti). */
export function sign(oid: string, i: number): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64({
    aud: clientId,
    iss: `${loginBase}/${tenant}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    oid,
    tid: tenant,
    uti: `bench-${i}`,
    sid: randomUUID(),
    ver: '2.0',
    groups: groups.slice(0, 5),
  })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

/** One full delta page with every user and each of them in the first five groups. */
const graph: GraphReader = {
  async get(url) {
    if (url.includes('deltatoken')) return { value: [], '@odata.deltaLink': url };
    if (url.includes('/users/delta'))
      return {
        value: users.map((id) => ({ id, accountEnabled: true })),
        '@odata.deltaLink': '/users/delta?$deltatoken=1',
      };
    const member = (id: string) => ({ '@odata.type': '#microsoft.graph.user', id });
    return {
      value: groups.map((id, i) => ({ id, 'members@delta': i < 5 ? users.map(member) : [] })),
      '@odata.deltaLink': '/groups/delta?$deltatoken=1',
    };
  },
  async post() {
    return { value: groups };
  },
};

export const benchConfig: WebhookConfig = {
  accessFile: undefined,
  listen: { host: '127.0.0.1', port: 0 },
  tls: undefined,
  entra: {
    tenants: [tenant],
    audiences: [clientId],
    allowedClientApps: [],
    issuerVersions: ['v2'],
    loginBase,
    stsBase: loginBase,
    clockSkewSeconds: 60,
  },
  live: {
    graphBase: 'https://graph.bench.invalid',
    graphAuth: 'client-secret',
    clientId: 'bench',
    clientSecretFile: undefined,
    clientCertificateFile: undefined,
    federatedTokenFile: undefined,
    pollIntervalSeconds: 3600,
    maxStalenessSeconds: 7200,
  },
  policy: { maxTokenAgeSeconds: undefined, allowedNetworks: [] },
  cache: { ttlSeconds: 3600, maxEntries: 100_000 },
  limits: { maxBodyBytes: 64 * 1024, maxTokenLength: 32 * 1024 },
  log: { level: 'info' },
};

/** What buildPipeline needs besides the config: the JWKS answer, the Graph above, no log. */
export const benchDeps = {
  now: Date.now,
  fetch: async () => ({
    status: 200,
    headers: { get: () => null },
    text: async () => JSON.stringify({ keys: [jwk] }),
  }),
  graph,
  log: silentLog,
};
