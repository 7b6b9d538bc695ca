/**
 * The tokens the webhook must refuse, each with the reason it must log:
 * [name, reason, make]. Shared by the validator, server and e2e tests; the
 * tokens come from the one test issuer (test-issuer.ts).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { TestIssuer } from './test-issuer.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export const negativeTokens: ReadonlyArray<
  readonly [name: string, reason: string, make: (issuer: TestIssuer, now: () => number) => Promise<string>]
> = [
  [
    'alg none',
    'algorithm_not_allowed',
    async (issuer) => {
      const [, payload] = (await issuer.sign()).split('.');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    },
  ],
  [
    'HS256 signed with the public key',
    'algorithm_not_allowed',
    async (issuer) => {
      const [, payload] = (await issuer.sign()).split('.');
      const input = `${b64({ alg: 'HS256', kid: issuer.kid, typ: 'JWT' })}.${payload}`;
      return `${input}.${createHmac('sha256', issuer.publicPem).update(input).digest('base64url')}`;
    },
  ],
  [
    'unknown kid',
    'unknown_kid',
    async (issuer) => issuer.sign({}, { kid: 'kid-nobody-published', keys: await generateKeyPair('RS256') }),
  ],
  [
    'tampered payload',
    'bad_signature',
    async (issuer, now) => {
      const [header, , signature] = (await issuer.sign({ groups: ['readers'] })).split('.');
      const t = Math.floor(now() / 1000);
      const forged = {
        aud: issuer.clientId,
        iss: `${issuer.bases.v2}/${issuer.tenantId}/v2.0`,
        iat: t,
        exp: t + 3600,
        oid: randomUUID(),
        tid: issuer.tenantId,
        groups: ['cluster-admins'],
      };
      return `${header}.${b64(forged)}.${signature}`;
    },
  ],
  [
    'expired',
    'expired',
    (issuer, now) => {
      const t = Math.floor(now() / 1000);
      return issuer.sign({ iat: t - 7200, nbf: t - 7200, exp: t - 3600 });
    },
  ],
  ['not yet valid', 'not_yet_valid', (issuer, now) => issuer.sign({ nbf: Math.floor(now() / 1000) + 3600 })],
  ['wrong issuer', 'issuer_not_accepted', (issuer) => issuer.sign({ iss: 'https://evil.example/x/v2.0' })],
  [
    'v1 issuer where v2 is configured',
    'issuer_not_accepted',
    (issuer) => issuer.sign({ iss: `${issuer.bases.v1}/${issuer.tenantId}/` }),
  ],
  ['wrong audience', 'audience_mismatch', (issuer) => issuer.sign({ aud: 'api://someone-else' })],
  [
    'other tenant',
    'tenant_not_allowed',
    (issuer) => {
      const other = randomUUID();
      return issuer.sign({ tid: other, iss: `${issuer.bases.v2}/${other}/v2.0` });
    },
  ],
  ['missing oid', 'missing_claim', (issuer) => issuer.sign({ oid: undefined })],
  ['a 1 MB token', 'token_too_large', async () => 'e'.repeat(1024 * 1024)],
  ['not a JWT', 'malformed_token', async () => 'not-a-jwt'],
];
