/**
 * Writes PKCS #12 files for tests, with what `openssl pkcs12 -export` cannot be
 * asked for: one round of key derivation (fast enough to fuzz ten thousand
 * files), the absent password (no bytes at all, not the BMPString terminator
 * OpenSSL adds), and BER as Java, NSS and BouncyCastle write it (indefinite
 * lengths, OCTET STRINGs in pieces). The inner structures are serialized by the
 * same @peculiar schemas the reader parses with, the encryption is node:crypto,
 * and the PKCS #12 key derivation is the reader's own (test/fixtures/certificates,
 * written by OpenSSL, pin it).
 *
 * A file is its AuthenticatedSafe (`authenticatedSafe`) sealed into a PFX with a
 * MAC over it (`sealPfx`), so a fuzz case can damage the inside and seal it again:
 * the MAC then holds, and the damage reaches everything behind it. Salts and IVs
 * are derived from what they protect rather than drawn at random, so a file and
 * a fuzz seed replay byte for byte.
 */
import {
  createCipheriv,
  createHash,
  createHmac,
  type KeyObject,
  pbkdf2Sync,
  type X509Certificate,
} from 'node:crypto';
import {
  CertBag,
  id_certBag,
  id_keyBag,
  id_pbeWithSHAAnd3_KeyTripleDES_CBC,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  MacData,
  SafeBag,
  SafeContents,
} from '@peculiar/asn1-pfx';
import { EncryptedData, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { pkcs12Kdf } from '../../src/adapters/pkcs12.js';
import {
  id_PBES2,
  id_PBKDF2,
  Pbes2Params,
  Pbkdf2Params,
  Pkcs12PbeParams,
} from '../../src/adapters/pkcs12-schemas.js';

export type Scheme = 'pbes2' | '3des' | 'none';

export interface PfxRecipe {
  key: KeyObject;
  /** In the order the file lists them. */
  certificates: X509Certificate[];
  /** null: the absent password, no bytes at all (RFC 7292 Appendix B.1 allows it; OpenSSL's API writes it). */
  password: string | null;
  /** How the key is stored: a shrouded key bag (PBES2 or 3DES) or a plain key bag. */
  keyScheme: Scheme;
  /** How the certificates are stored: in encryptedData (PBES2 or 3DES) or plain data. */
  certificateScheme: Scheme;
  /** Rounds of every key derivation, the MAC's included. */
  iterations: number;
  mac: boolean;
  /** BER's indefinite lengths and OCTET STRINGs in pieces for the outer layers, as Java and NSS write them. */
  ber: boolean;
}

const oid = {
  // DER of the OBJECT IDENTIFIERs the outer layers name (written here, where the serializer cannot
  // write BER): pkcs-7 data and encryptedData.
  data: Buffer.from('06092a864886f70d010701', 'hex'),
  encryptedData: Buffer.from('06092a864886f70d010706', 'hex'),
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
};

export function writePfx(recipe: PfxRecipe): Buffer {
  return sealPfx(authenticatedSafe(recipe), recipe);
}

/** The AuthenticatedSafe (RFC 7292 §4.1): the certificates' ContentInfo, then the key's, as OpenSSL orders them. */
export function authenticatedSafe(recipe: PfxRecipe): Buffer {
  const certificateBags = recipe.certificates.map(
    (certificate) =>
      new SafeBag({
        bagId: id_certBag,
        bagValue: AsnConvert.serialize(
          new CertBag({
            certId: id_x509Certificate,
            certValue: AsnConvert.serialize(new OctetString(certificate.raw)),
          }),
        ),
      }),
  );
  const pkcs8 = recipe.key.export({ format: 'der', type: 'pkcs8' });
  const keyBag =
    recipe.keyScheme === 'none'
      ? new SafeBag({ bagId: id_keyBag, bagValue: toArrayBuffer(pkcs8) })
      : new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: toArrayBuffer(shroudedKey(recipe)) });
  const form = encoder(recipe.ber);
  const contentInfo = (bags: SafeBag[], scheme: Scheme) => {
    const contents = Buffer.from(AsnConvert.serialize(new SafeContents(bags)));
    if (scheme === 'none') return form.tlv(0x30, oid.data, form.tlv(0xa0, form.octets(contents)));
    const { algorithm, data } = encrypt(scheme, contents, recipe);
    // EncryptedData (RFC 5652 §8): version 0, EncryptedContentInfo { data, algorithm, [0] IMPLICIT content }.
    const encryptedContent = recipe.ber ? form.tlv(0xa0, ...form.pieces(data)) : der(0x80, data);
    const algorithmDer = Buffer.from(AsnConvert.serialize(algorithm));
    const encryptedData = form.tlv(
      0x30,
      der(0x02, Buffer.from([0])),
      form.tlv(0x30, oid.data, algorithmDer, encryptedContent),
    );
    return form.tlv(0x30, oid.encryptedData, form.tlv(0xa0, encryptedData));
  };
  return form.tlv(
    0x30,
    contentInfo(certificateBags, recipe.certificateScheme),
    contentInfo([keyBag], 'none'),
  );
}

/** The key as a pkcs8ShroudedKeyBag holds it: EncryptedPrivateKeyInfo DER (PBES2 for a recipe of a plain key). */
export function shroudedKey(recipe: PfxRecipe): Buffer {
  const pkcs8 = recipe.key.export({ format: 'der', type: 'pkcs8' });
  const scheme = recipe.keyScheme === 'none' ? 'pbes2' : recipe.keyScheme;
  const { algorithm, data } = encrypt(scheme, pkcs8, recipe);
  return Buffer.from(
    AsnConvert.serialize(
      new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algorithm, encryptedData: new EncryptedData(data) }),
    ),
  );
}

/** The PFX around an AuthenticatedSafe, with a SHA-256 MAC over it when the recipe has one (RFC 7292 §4, Appendix B). */
export function sealPfx(safe: Buffer, recipe: PfxRecipe): Buffer {
  const form = encoder(recipe.ber);
  const authSafe = form.tlv(0x30, oid.data, form.tlv(0xa0, form.octets(safe)));
  const parts = [der(0x02, Buffer.from([3])), authSafe];
  if (recipe.mac) {
    const salt = derived('mac salt', safe, 8);
    const key = pkcs12Kdf(
      { name: 'sha256', block: 64 },
      bmp(recipe.password),
      salt,
      recipe.iterations,
      3,
      32,
    );
    const mac = new MacData();
    mac.mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: oid.sha256, parameters: null });
    mac.mac.digest = new OctetString(createHmac('sha256', key).update(safe).digest());
    mac.macSalt = new OctetString(salt);
    mac.iterations = recipe.iterations;
    parts.push(Buffer.from(AsnConvert.serialize(mac)));
  }
  return form.tlv(0x30, ...parts);
}

/** The scheme's AlgorithmIdentifier and the ciphertext, as OpenSSL 3 (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) or older tools (3DES) write them. */
function encrypt(
  scheme: Exclude<Scheme, 'none'>,
  plain: Buffer,
  recipe: PfxRecipe,
): { algorithm: AlgorithmIdentifier; data: Buffer } {
  const salt = derived('salt', plain, 8);
  if (scheme === 'pbes2') {
    const iv = derived('iv', plain, 16);
    const key = pbkdf2Sync(Buffer.from(recipe.password ?? '', 'utf8'), salt, recipe.iterations, 32, 'sha256');
    const kdf = new Pbkdf2Params();
    kdf.salt = new OctetString(salt);
    kdf.iterationCount = BigInt(recipe.iterations);
    kdf.prf = new AlgorithmIdentifier({ algorithm: oid.hmacWithSHA256, parameters: null });
    const params = new Pbes2Params();
    params.keyDerivationFunc = new AlgorithmIdentifier({
      algorithm: id_PBKDF2,
      parameters: AsnConvert.serialize(kdf),
    });
    params.encryptionScheme = new AlgorithmIdentifier({
      algorithm: oid.aes256Cbc,
      parameters: AsnConvert.serialize(new OctetString(iv)),
    });
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: id_PBES2, parameters: AsnConvert.serialize(params) }),
      data: cipher('aes-256-cbc', key, iv, plain),
    };
  }
  const sha1 = { name: 'sha1', block: 64 };
  const password = bmp(recipe.password);
  const key = pkcs12Kdf(sha1, password, salt, recipe.iterations, 1, 24);
  const iv = pkcs12Kdf(sha1, password, salt, recipe.iterations, 2, 8);
  const params = new Pkcs12PbeParams();
  params.salt = new OctetString(salt);
  params.iterations = BigInt(recipe.iterations);
  return {
    algorithm: new AlgorithmIdentifier({
      algorithm: id_pbeWithSHAAnd3_KeyTripleDES_CBC,
      parameters: AsnConvert.serialize(params),
    }),
    data: cipher('des-ede3-cbc', key, iv, plain),
  };
}

function cipher(name: string, key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv(name, key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

/** RFC 7292 Appendix B.1: UTF-16BE with a two-byte terminator; the absent password is no bytes. */
function bmp(password: string | null): Buffer {
  return password === null ? Buffer.alloc(0) : Buffer.from(`${password}\0`, 'utf16le').swap16();
}

/** Salt or IV bytes: unpredictable enough for a test, and the same every run. */
function derived(label: string, data: Buffer, size: number): Buffer {
  return createHash('sha256').update(label).update(data).digest().subarray(0, size);
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/** A definite-length TLV. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/** The outer layers in DER, or in BER as streaming writers produce them. */
function encoder(ber: boolean) {
  // BER's OCTET STRING in pieces (X.690 8.7.3): small ones, so that every file has several.
  const pieces = (bytes: Buffer) => {
    const out: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 64) out.push(der(0x04, bytes.subarray(at, at + 64)));
    return out;
  };
  const tlv = (tag: number, ...parts: Buffer[]) =>
    ber ? Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]) : der(tag, ...parts);
  return {
    tlv,
    pieces,
    octets: (bytes: Buffer) => (ber ? tlv(0x24, ...pieces(bytes)) : der(0x04, bytes)),
  };
}
