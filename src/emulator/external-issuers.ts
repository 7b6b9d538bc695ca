/**
 * The OpenID Connect issuers a federated identity credential trusts (a
 * Kubernetes service-account issuer, GitHub Actions, a test issuer): their
 * signing keys, read as Entra does from `{issuer}/.well-known/openid-configuration`
 * -> `jwks_uri`, over HTTPS only. The emulator trusts the public roots plus the
 * CAs it was given (`--trust-ca`), so a local issuer with its own CA works.
 * Keys are cached per issuer and fetched again for an unknown `kid`.
 */
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
export type VerificationKey = Awaited<ReturnType<KeyGetter>>;

export interface ExternalIssuers {
  /** The key that signed a token of `issuer` with this header; throws when there is none. */
  keyFor(issuer: string, header: JWSHeaderParameters): Promise<VerificationKey>;
}

/** Why the issuer's keys could not be read (Entra: AADSTS50166, request to the external OIDC endpoint failed). */
export class IssuerUnreachable extends Error {}

const cacheMs = 5 * 60_000;
const maxBytes = 1024 * 1024;

export function externalIssuers(options: { caPems: readonly string[]; now: () => number }): ExternalIssuers {
  const ca = [...rootCertificates, ...options.caPems];
  const cache = new Map<string, { keys: KeyGetter; fetchedAt: number }>();

  const load = async (issuer: string) => {
    const base = issuer.replace(/\/+$/, '');
    const discovery = await getJson(`${base}/.well-known/openid-configuration`, ca);
    const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string') throw new IssuerUnreachable(`${base}: discovery has no jwks_uri`);
    const keys = createLocalJWKSet((await getJson(jwksUri, ca)) as JSONWebKeySet);
    const entry = { keys, fetchedAt: options.now() };
    cache.set(issuer, entry);
    return entry;
  };

  return {
    async keyFor(issuer, header) {
      let entry = cache.get(issuer);
      if (!entry || options.now() - entry.fetchedAt > cacheMs) entry = await load(issuer);
      try {
        return await entry.keys(header);
      } catch (error) {
        // A rotated key: read the set again, once.
        if (options.now() - entry.fetchedAt < 1000) throw error;
        return (await load(issuer)).keys(header);
      }
    },
  };
}

function getJson(url: string, ca: readonly string[]): Promise<unknown> {
  if (!url.startsWith('https://'))
    return Promise.reject(new IssuerUnreachable(`${url}: an issuer must be served over https`));
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: [...ca], timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) req.destroy(new IssuerUnreachable(`${url}: answer larger than 1 MiB`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode !== 200)
          return reject(new IssuerUnreachable(`${url} answered HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new IssuerUnreachable(`${url}: not JSON`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new IssuerUnreachable(`${url}: no answer within 10 s`)));
    req.on('error', (error) =>
      reject(error instanceof IssuerUnreachable ? error : new IssuerUnreachable(`${url}: ${error.message}`)),
    );
    req.end();
  });
}
