/**
 * A minimal token issuer for the webhook's unit tests: RSA keys generated with
 * jose at test time, a JWKS served over HTTPS on 127.0.0.1 (certificate from a
 * CA made by src/adapters/pki.ts), and a signer for Entra-shaped access
 * tokens. It can be switched off to prove that known keys keep working.
 */
import { randomUUID } from 'node:crypto';
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
