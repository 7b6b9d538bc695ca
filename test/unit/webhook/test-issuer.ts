/**
 * A minimal token issuer for the webhook's unit tests: RSA keys generated with
 * jose at test time, a JWKS served over HTTPS on 127.0.0.1 (certificate from a
 * CA made by src/adapters/pki.ts), and a signer for Entra-shaped access
 * tokens. It can be switched off to prove that known keys keep working.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { FetchLike } from '../../../src/adapters/graph/client.js';
import { fetchTrusting } from '../../../src/adapters/http-fetch.js';
import { createCertificateAuthority } from '../../../src/adapters/pki.js';
import type { IssuerBases } from '../../../src/domain/entra/issuers.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface TestIssuer {
  tenantId: string;
  clientId: string;
  bases: IssuerBases;
  jwksUri: string;
  fetch: FetchLike;
  kid: string;
  keys: KeyPair;
  /** Public key as PEM (for the HS256-with-the-public-key attack). */
  publicPem: string;
  /** JWKS requests served so far. */
  requests(): number;
  /** While down, the JWKS endpoint answers 503. */
  setDown(down: boolean): void;
  /** Signs an access token with Entra's v2 shape; `claims` override the defaults. */
  sign(claims?: JWTPayload, options?: { kid?: string; alg?: string; keys?: KeyPair }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestIssuer(now: () => number = Date.now): Promise<TestIssuer> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const keys = await generateKeyPair('RS256', { extractable: true });
  const kid = 'key-1';
  const jwk = { ...(await exportJWK(keys.publicKey)), kid, use: 'sig' };
  const ca = await createCertificateAuthority('test-issuer-ca', 1);
  const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  let down = false;
  let requests = 0;
  const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    requests++;
    if (down || !req.url?.endsWith('/discovery/v2.0/keys')) {
      res.writeHead(down ? 503 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bases = { v1: `${base}/sts`, v2: base };
  const { createPublicKey } = await import('node:crypto');
  const publicPem = createPublicKey({ key: jwk as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return {
    tenantId,
    clientId,
    bases,
    jwksUri: `${base}/${tenantId}/discovery/v2.0/keys`,
    fetch: fetchTrusting(ca.certPem),
    kid,
    keys,
    publicPem,
    requests: () => requests,
    setDown: (value) => {
      down = value;
    },
    async sign(claims = {}, options = {}) {
      const iat = Math.floor(now() / 1000);
      const payload: JWTPayload = {
        aud: clientId,
        iss: `${base}/${tenantId}/v2.0`,
        iat,
        nbf: iat,
        exp: iat + 3600,
        oid: randomUUID(),
        tid: tenantId,
        sub: 'pairwise-subject',
        uti: randomUUID().replaceAll('-', '').slice(0, 22),
        ver: '2.0',
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
        .sign((options.keys ?? keys).privateKey);
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The tokens the webhook must refuse, each with the reason it must log:
 * [name, reason, make]. Shared by the validator, server and e2e tests.
 */
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
