/**
 * A minimal OpenID Connect issuer for tests that need tokens nobody else would
 * sign: arbitrary claim sets for the API server's claim table, Entra-shaped
 * access tokens for the webhook's validator (and the bad ones it must refuse),
 * and the external tokens a federated identity credential trusts (workload
 * identity against the emulator). HTTPS on 127.0.0.1 with a generated CA, an
 * RSA key made with jose at start.
 *
 * - `{origin}{prefix}/.well-known/openid-configuration` for any prefix: issuer
 *   `{origin}{prefix}`, `jwks_uri` `{origin}/keys`;
 * - the key set at `/keys` and at Entra's `/{tenant}/discovery[/v2.0]/keys`;
 * - `setDown(true)` answers 503 to everything (known keys must keep working).
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { FetchLike } from '../../src/adapters/graph/client.js';
import { fetchTrusting } from '../../src/adapters/http-fetch.js';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import type { IssuerBases } from '../../src/domain/entra/issuers.js';
import { closeServer, listenOnLoopback } from './loopback.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface SignOptions {
  kid?: string;
  alg?: string;
  keys?: KeyPair;
}

export interface TestIssuer {
  /** https://127.0.0.1:PORT */
  origin: string;
  caPem: string;
  /** A fetch that trusts the issuer's CA. */
  fetch: FetchLike;
  /** Resolves once a discovery document was served (an API server's authenticator is initialising). */
  discoveryFetched: Promise<void>;
  /** The tenant and client of the Entra-shaped tokens `sign` makes. */
  tenantId: string;
  clientId: string;
  /** Issuer bases in Entra's two forms: v2 `{v2}/{tid}/v2.0`, v1 `{v1}/{tid}/`. */
  bases: IssuerBases;
  /** Entra's key-set URL for `tenantId`. */
  jwksUri: string;
  kid: string;
  keys: KeyPair;
  /** The public key as PEM (for the HS256-with-the-public-key attack). */
  publicPem: string;
  /** While down, every request gets 503. */
  setDown(down: boolean): void;
  /** An access token in Entra's v2 shape for `tenantId`/`clientId`; `claims` override (undefined removes). */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>;
  /** A token with exactly these claims. */
  signExact(claims: JWTPayload, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(now: () => number = Date.now): Promise<TestIssuer> {
  const ca = await createCertificateAuthority('kentra-test-issuer-ca', 1);
  const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const keys = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(keys.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const tenantId = randomUUID();
  const clientId = randomUUID();
  let origin = '';
  let down = false;
  let markFetched: () => void = () => {};
  const discoveryFetched = new Promise<void>((resolve) => {
    markFetched = resolve;
  });
  const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (down) {
      res.writeHead(503).end();
      return;
    }
    const discovery = /^(.*)\/\.well-known\/openid-configuration$/.exec(path);
    if (discovery) {
      const issuer = `${origin}${discovery[1]}`;
      json({
        issuer,
        jwks_uri: `${origin}/keys`,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code', 'id_token'],
        subject_types_supported: ['public', 'pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      markFetched();
    } else if (path === '/keys' || /^\/[^/]+\/discovery(\/v2\.0)?\/keys$/.test(path)) {
      // go-oidc fetches the key set lazily, at the first token it verifies.
      json({ keys: [jwk] });
    } else {
      res.writeHead(404).end();
    }
  });
  origin = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  const bases = { v1: `${origin}/sts`, v2: origin };
  const signExact = (claims: JWTPayload, options: SignOptions = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
      .sign((options.keys ?? keys).privateKey);
  return {
    origin,
    caPem: ca.certPem,
    fetch: fetchTrusting(ca.certPem),
    discoveryFetched,
    tenantId,
    clientId,
    bases,
    jwksUri: `${origin}/${tenantId}/discovery/v2.0/keys`,
    kid,
    keys,
    publicPem: createPublicKey({ key: jwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString(),
    setDown: (value) => {
      down = value;
    },
    signExact,
    sign(claims = {}, options = {}) {
      const iat = Math.floor(now() / 1000);
      const payload: JWTPayload = {
        aud: clientId,
        iss: `${bases.v2}/${tenantId}/v2.0`,
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
      return signExact(payload, options);
    },
    close: () => closeServer(server),
  };
}
