/**
 * A minimal OIDC issuer for tests that need tokens with arbitrary claims
 * (guests, odd types, overage, long lifetimes): HTTPS on 127.0.0.1 with a
 * generated CA, a discovery document and a JWKS, and RS256 signing with jose.
 * The API server under test is real; only the token source is ours, because
 * no real identity provider will sign the malformed claim sets the table needs.
 */
import { createServer, type Server } from 'node:https';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createCertificateAuthority } from '../../src/adapters/pki.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface TestIssuer {
  /** https://127.0.0.1:PORT */
  origin: string;
  caPem: string;
  /** Resolves once the discovery document was served (the API server's authenticator is initialising). */
  discoveryFetched: Promise<void>;
  sign(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Serves `{origin}/{tenant}/v2.0/.well-known/openid-configuration` for any tenant path. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const ca = await createCertificateAuthority('kentra-test-issuer-ca', 1);
  const serving = await ca.issue({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let origin = '';
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
    const discovery = path.match(/^(\/[^/]+\/v2\.0)\/\.well-known\/openid-configuration$/);
    if (discovery) {
      const issuer = `${origin}${discovery[1]}`;
      json({
        issuer,
        jwks_uri: `${origin}/keys`,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      markFetched();
    } else if (path === '/keys') {
      // go-oidc fetches the key set lazily, at the first token it verifies.
      json({ keys: [jwk] });
    } else {
      res.writeHead(404).end();
    }
  });
  origin = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  return {
    origin,
    caPem: ca.certPem,
    discoveryFetched,
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey),
    close: () => closeServer(server),
  };
}
