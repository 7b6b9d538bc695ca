/**
 * The token signing keys: RSA 2048, RS256, published as a JWKS. Keys persist
 * in the state folder so tokens survive a restart. Rotation adds a new active
 * key and keeps the previous one published (rollover), or retires it so that
 * tokens it signed stop validating.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type JWK, SignJWT } from 'jose';
import { KentraError } from '../errors.js';

const generate = promisify(generateKeyPair);

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
  createdAt: string;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  createdAt: string;
}

const fileName = 'signing-keys.json';

/**
 * Entra's kids are the base64url SHA-1 thumbprint of the signing certificate (27 characters). The
 * emulator publishes no certificate, so it hashes the RFC 7638 canonical JWK instead: same length and alphabet.
 */
function keyId(jwk: JWK): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha1').update(canonical).digest('base64url');
}

function fromPrivateJwk(privateJwk: JWK, createdAt: string): SigningKey {
  const privateKey = createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const full = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty: 'RSA', n: full.n, e: full.e };
  return { kid: keyId(publicJwk), privateKey, publicJwk, createdAt };
}

async function newKey(now: number): Promise<SigningKey> {
  const { privateKey } = await generate('rsa', { modulusLength: 2048 });
  return fromPrivateJwk(privateKey.export({ format: 'jwk' }) as JWK, new Date(now).toISOString());
}

export class SigningKeys {
  /** Newest first; the first is the active signer. */
  private keys: SigningKey[];

  private constructor(
    keys: SigningKey[],
    private readonly stateDir: string | undefined,
    private readonly now: () => number,
  ) {
    this.keys = keys;
  }

  /** Loads the keys from the state folder, or creates one (and writes it there). */
  static async open(stateDir: string | undefined, now: () => number): Promise<SigningKeys> {
    if (stateDir) {
      const stored = await readFile(join(stateDir, fileName), 'utf8').catch(() => undefined);
      if (stored) {
        let keys: SigningKey[];
        try {
          keys = (JSON.parse(stored) as StoredKey[]).map((k) => fromPrivateJwk(k.privateJwk, k.createdAt));
        } catch (error) {
          throw new KentraError(
            'config.invalid',
            `the signing keys in ${join(stateDir, fileName)} cannot be read`,
            {
              cause: error,
              hint: 'Delete that file to generate new keys (tokens signed by the old keys then stop validating).',
            },
          );
        }
        if (keys.length > 0) return new SigningKeys(keys, stateDir, now);
      }
    }
    const keys = new SigningKeys([await newKey(now())], stateDir, now);
    await keys.save();
    return keys;
  }

  get activeKid(): string {
    return this.active.kid;
  }

  get publishedKids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  private get active(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error('no signing key');
    return key;
  }

  /** Makes a new key the signer. The previous stays published unless `retirePrevious`; older ones are dropped. */
  async rotate(options: { retirePrevious?: boolean } = {}): Promise<string> {
    const fresh = await newKey(this.now());
    this.keys = options.retirePrevious ? [fresh] : [fresh, this.active];
    await this.save();
    return fresh.kid;
  }

  /** The JWKS document. `issuer` is Entra's templated issuer hint on each key. */
  jwks(issuer: string): { keys: Record<string, unknown>[] } {
    return {
      keys: this.keys.map((k) => ({
        kty: 'RSA',
        use: 'sig',
        kid: k.kid,
        x5t: k.kid,
        n: k.publicJwk.n,
        e: k.publicJwk.e,
        cloud_instance_name: 'microsoftonline.com',
        issuer,
      })),
    };
  }

  /** Signs claims RS256. v2 tokens carry `kid` only; v1 tokens carry `kid` and `x5t` (as Entra's do). */
  async sign(claims: Record<string, unknown>, tokenVersion: '1.0' | '2.0'): Promise<string> {
    const key = this.active;
    const header = {
      typ: 'JWT',
      alg: 'RS256',
      ...(tokenVersion === '1.0' ? { x5t: key.kid } : {}),
      kid: key.kid,
    };
    return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
  }

  private async save(): Promise<void> {
    if (!this.stateDir) return;
    const stored: StoredKey[] = this.keys.map((k) => ({
      kid: k.kid,
      privateJwk: k.privateKey.export({ format: 'jwk' }) as JWK,
      createdAt: k.createdAt,
    }));
    await writeFile(join(this.stateDir, fileName), `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
}
