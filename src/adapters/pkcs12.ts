/**
 * PKCS #12 (PFX, .p12) files read into the PEM certificate and private key that
 * a certificate client assertion is signed with. Node reads PEM, DER and
 * encrypted PKCS #8, but not PKCS #12, and @azure/identity's
 * ClientCertificateCredential takes PEM only; Azure/kubelogin's `--login spn`
 * takes both, so kentra converts in memory (the key never touches the disk).
 *
 * Structure (RFC 7292 §4-5): PFX { version 3, authSafe ContentInfo, macData }.
 * authSafe holds ContentInfos of `data` (plain SafeContents) or `encryptedData`
 * (SafeContents encrypted with a password-based scheme); SafeContents hold bags:
 * keyBag, pkcs8ShroudedKeyBag (EncryptedPrivateKeyInfo), certBag (X.509 DER).
 * The ASN.1 is read by PeculiarVentures' schemas (@peculiar/asn1-pfx, -cms,
 * -pkcs8, -x509 on @peculiar/asn1-schema, BER and DER alike); the few structures
 * no package declares are declared in ./pkcs12-schemas.ts.
 * Password-based encryption, with node:crypto (no package does it):
 * - PBES2: PBKDF2 + AES-CBC (RFC 8018 §6.2), the UTF-8 password: OpenSSL 3's
 *   default and Windows' "AES256-SHA256" export;
 * - pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C), key and IV from the
 *   PKCS #12 key derivation (Appendix B) over the BMPString password: older
 *   OpenSSL and Windows' "TripleDES-SHA1";
 * - RC2-40 (`openssl pkcs12 -legacy` certificates) is not in the crypto library
 *   Node ships (OpenSSL 3 without its legacy provider): refused with a hint.
 * The MAC (Appendix B, ID 3, HMAC) is checked first, so a wrong password is
 * said as such.
 *
 * Node's createPrivateKey({ format: 'der', type: 'pkcs8', passphrase }) opens a
 * shrouded key of either scheme too, but not every file's: OpenSSL runs any
 * round count it is given, and it always adds the BMPString terminator, so the
 * absent password (no bytes at all, Appendix B.1) cannot be handed to it. The
 * encrypted certificates need this decryption anyway, so one path serves both
 * (test/unit/adapters/pkcs12.test.ts shows the difference).
 */
import {
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  pbkdf2Sync,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { id_data, id_encryptedData } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_keyBag,
  id_pbeWithSHAAnd3_KeyTripleDES_CBC,
  id_pbeWithSHAAnd128BitRC2_CBC,
  id_pbewithSHAAnd40BitRC2_CBC,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  type MacData,
  SafeContents,
} from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { OctetString } from '@peculiar/asn1-schema';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { KentraError } from '../errors.js';
import {
  BerOctetString,
  CmsEncryptedData,
  id_PBES2,
  id_PBKDF2,
  Pbes2Params,
  Pbkdf2Params,
  Pkcs12PbeParams,
  parseAsn1,
  parsePfx,
} from './pkcs12-schemas.js';

export interface CertificateAndKey {
  /** The certificate that belongs to the key first, then any others of the file (a chain). */
  certificatePem: string;
  /** PKCS #8, unencrypted: held in memory only. */
  privateKeyPem: string;
}

/**
 * The most key-derivation rounds kentra runs for one file. OpenSSL writes 2048, Windows
 * 2000 to 10000, PBKDF2 guidance reaches 600,000; a damaged count in the billions would
 * otherwise hold get-token for hours.
 */
const maxIterations = 1_000_000;

/** An INTEGER round count as the schemas give it: a bigint, or asn1-schema's number or decimal string. */
function iterationsOf(value: bigint | number | string): number {
  const count = BigInt(value);
  if (count < 1n || count > BigInt(maxIterations))
    throw invalid(`it asks for ${count} key-derivation rounds (kentra runs at most ${maxIterations})`);
  return Number(count);
}

/** Digest OIDs (MAC, and PBKDF2's HMAC PRF) with Node's names and the hash's block size (for the PKCS #12 KDF). */
const digests = new Map([
  ['1.3.14.3.2.26', { name: 'sha1', block: 64 }],
  ['2.16.840.1.101.3.4.2.1', { name: 'sha256', block: 64 }],
  ['2.16.840.1.101.3.4.2.2', { name: 'sha384', block: 128 }],
  ['2.16.840.1.101.3.4.2.3', { name: 'sha512', block: 128 }],
]);
const hmacPrfs = new Map([
  ['1.2.840.113549.2.7', 'sha1'],
  ['1.2.840.113549.2.8', 'sha224'],
  ['1.2.840.113549.2.9', 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);
const aesCbc = new Map([
  ['2.16.840.1.101.3.4.1.2', 'aes-128-cbc'],
  ['2.16.840.1.101.3.4.1.22', 'aes-192-cbc'],
  ['2.16.840.1.101.3.4.1.42', 'aes-256-cbc'],
]);

/** The password in the two forms the schemes use. */
interface Password {
  /** PKCS #12 PBE and the MAC (RFC 7292 Appendix B.1). */
  bmp: Buffer;
  /** PBES2 (RFC 8018 §6.2: an octet string, UTF-8 by OpenSSL's and Windows' convention). */
  utf8: Buffer;
}

/** Reads a PKCS #12 file's certificate and key; `password` undefined tries the empty password. */
export function readPkcs12(file: Buffer, password: string | undefined): CertificateAndKey {
  try {
    return readPfx(file, password);
  } catch (error) {
    if (error instanceof KentraError) throw error;
    // The schemas throw plain Errors (and TypeErrors, RangeErrors) on what does not fit them.
    throw invalid(
      `it is not a PKCS #12 file kentra can read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function readPfx(file: Buffer, given: string | undefined): CertificateAndKey {
  const { pfx, macData } = parsePfx(file);
  if (pfx.version !== 3) throw invalid('its PFX version is not 3');
  // RFC 7292 §4: a password-integrity file's authSafe is `data`; public-key integrity (signedData) is
  // written by neither OpenSSL nor Windows.
  if (pfx.authSafe.contentType !== id_data) throw invalid('its authSafe is not plain data');
  const safe = octetsIn(pfx.authSafe.content);
  const password = passwordOf(given, macData, safe);
  const keys: KeyObject[] = [];
  const certificates: X509Certificate[] = [];
  for (const info of parseAsn1(safe, AuthenticatedSafe)) {
    for (const bag of parseAsn1(safeContentsOf(info.contentType, info.content, password), SafeContents)) {
      switch (bag.bagId) {
        case id_keyBag:
          keys.push(createPrivateKey({ key: Buffer.from(bag.bagValue), format: 'der', type: 'pkcs8' }));
          break;
        case id_pkcs8ShroudedKeyBag: {
          const shrouded = parseAsn1(bag.bagValue, EncryptedPrivateKeyInfo);
          const der = decrypt(
            shrouded.encryptionAlgorithm,
            Buffer.from(shrouded.encryptedData.buffer),
            password,
          );
          keys.push(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
          break;
        }
        case id_certBag: {
          const { certId, certValue } = parseAsn1(bag.bagValue, CertBag);
          if (certId === id_x509Certificate) certificates.push(new X509Certificate(octetsIn(certValue)));
          break;
        }
        default:
        // CRL and secret bags say nothing about the client certificate.
      }
    }
  }
  const key = keys[0];
  if (!key) throw invalid('it holds no private key');
  const own = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (!own) throw invalid('it holds no certificate for its private key');
  return {
    certificatePem: [own, ...certificates.filter((c) => c !== own)].map((c) => c.toString()).join(''),
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/**
 * The password the MAC confirms, before anything is decrypted, so that a wrong one is said as
 * such rather than as a damaged file. RFC 7292 Appendix B.1: the BMPString password with its
 * two-byte terminator; an absent password is an empty string of bytes (OpenSSL writes both kinds
 * of files), so with none given both are tried.
 */
function passwordOf(given: string | undefined, mac: MacData | undefined, authSafe: Buffer): Password {
  const candidates = given === undefined ? [bmp(''), Buffer.alloc(0)] : [bmp(given)];
  const found = mac ? candidates.find((p) => macMatches(mac, authSafe, p)) : candidates[0];
  if (!found)
    throw new KentraError('config.invalid', 'the PFX password is wrong', {
      hint:
        given === undefined
          ? 'The file is protected by a password: set AZURE_CLIENT_CERTIFICATE_PASSWORD.'
          : 'Check AZURE_CLIENT_CERTIFICATE_PASSWORD.',
    });
  const utf8 = given === undefined || found.length === 0 ? Buffer.alloc(0) : Buffer.from(given, 'utf8');
  return { bmp: found, utf8 };
}

/** MacData { DigestInfo { algorithm, digest }, macSalt, iterations DEFAULT 1 } (RFC 7292 §4): HMAC with the Appendix B key. */
function macMatches(mac: MacData, authSafe: Buffer, password: Buffer): boolean {
  const hash = digests.get(mac.mac.digestAlgorithm.algorithm);
  if (!hash) throw invalid('its MAC uses an unknown digest');
  const expected = Buffer.from(mac.mac.digest.buffer);
  const size = createHash(hash.name).digest().length;
  const salt = Buffer.from(mac.macSalt.buffer);
  const key = pkcs12Kdf(hash, password, salt, iterationsOf(mac.iterations), 3, size);
  const actual = createHmac(hash.name, key).update(authSafe).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The SafeContents DER of one ContentInfo of the AuthenticatedSafe (RFC 7292 §4.1), decrypted when it is encrypted. */
function safeContentsOf(contentType: string, content: ArrayBuffer, password: Password): Buffer {
  if (contentType === id_data) return octetsIn(content);
  if (contentType === id_encryptedData) {
    const { contentEncryptionAlgorithm, encryptedContent } = parseAsn1(
      content,
      CmsEncryptedData,
    ).encryptedContentInfo;
    // [0] IMPLICIT OCTET STRING, primitive (DER) or in pieces (BER). RFC 5652 §6.1 lets it be absent
    // (the content travels elsewhere), which a PFX cannot use.
    const pieces = encryptedContent?.value
      ? [encryptedContent.value]
      : (encryptedContent?.constructedValue ?? []);
    if (pieces.length === 0) throw invalid('an EncryptedContentInfo is incomplete');
    return decrypt(
      contentEncryptionAlgorithm,
      Buffer.concat(pieces.map((piece) => Buffer.from(piece.buffer))),
      password,
    );
  }
  throw invalid(
    `it holds content of type ${contentType}, which PKCS #12 files from OpenSSL or Windows do not`,
  );
}

/** Decrypts with the AlgorithmIdentifier's scheme: PBES2 (UTF-8 password) or PKCS #12 PBE (BMPString). */
function decrypt(algorithm: AlgorithmIdentifier, data: Buffer, password: Password): Buffer {
  const scheme = algorithm.algorithm;
  if (scheme === id_PBES2 && algorithm.parameters) {
    const { keyDerivationFunc: kdf, encryptionScheme } = parseAsn1(algorithm.parameters, Pbes2Params);
    if (kdf.algorithm !== id_PBKDF2 || !kdf.parameters)
      throw invalid('it is encrypted with a key derivation other than PBKDF2');
    const { salt, iterationCount, prf: prfAlgorithm } = parseAsn1(kdf.parameters, Pbkdf2Params);
    // RFC 8018 A.2: prf DEFAULT algid-hmacWithSHA1.
    const prf = prfAlgorithm ? hmacPrfs.get(prfAlgorithm.algorithm) : 'sha1';
    const cipher = aesCbc.get(encryptionScheme.algorithm);
    if (!prf || !cipher || !encryptionScheme.parameters)
      throw invalid('it is encrypted with a PBES2 scheme other than PBKDF2 with AES-CBC');
    // RFC 8018 B.2.5 (and RFC 3565 for AES): the CBC parameters are the IV as an OCTET STRING.
    const iv = Buffer.from(parseAsn1(encryptionScheme.parameters, OctetString).buffer);
    const keyLength = Number(cipher.slice(4, 7)) / 8;
    const key = pbkdf2Sync(
      password.utf8,
      Buffer.from(salt.buffer),
      iterationsOf(iterationCount),
      keyLength,
      prf,
    );
    return decipher(cipher, key, iv, data);
  }
  if (scheme === id_pbeWithSHAAnd3_KeyTripleDES_CBC && algorithm.parameters) {
    const { salt, iterations } = parseAsn1(algorithm.parameters, Pkcs12PbeParams);
    const sha1 = { name: 'sha1', block: 64 };
    const rounds = iterationsOf(iterations);
    const saltBytes = Buffer.from(salt.buffer);
    const key = pkcs12Kdf(sha1, password.bmp, saltBytes, rounds, 1, 24);
    const iv = pkcs12Kdf(sha1, password.bmp, saltBytes, rounds, 2, 8);
    return decipher('des-ede3-cbc', key, iv, data);
  }
  if (scheme === id_pbewithSHAAnd40BitRC2_CBC || scheme === id_pbeWithSHAAnd128BitRC2_CBC)
    throw new KentraError(
      'config.invalid',
      'the PFX file is encrypted with RC2, which kentra cannot decrypt',
      {
        hint:
          'RC2 is a legacy cipher (openssl pkcs12 -legacy). Export the file again with AES: ' +
          '`openssl pkcs12 -in old.pfx -nodes | openssl pkcs12 -export -out new.pfx` (OpenSSL 3 uses AES-256 by default), ' +
          'or give the certificate and key as one PEM file.',
      },
    );
  throw invalid(`it is encrypted with an unknown scheme (${scheme})`);
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  // Wrong key material shows as bad padding; the MAC check before makes that a damaged file.
  const d = createDecipheriv(name, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}

/** The bytes of an OCTET STRING given as DER/BER (an explicitly tagged `data` content, a certificate's value). */
function octetsIn(der: ArrayBuffer | Buffer): Buffer {
  return Buffer.from(parseAsn1(der, BerOctetString).buffer);
}

/** The PKCS #12 key derivation (RFC 7292 Appendix B.2): ID 1 key, 2 IV, 3 MAC key. */
export function pkcs12Kdf(
  hash: { name: string; block: number },
  password: Buffer,
  salt: Buffer,
  iterations: number,
  id: 1 | 2 | 3,
  size: number,
): Buffer {
  const v = hash.block;
  const repeatTo = (source: Buffer) => {
    const length = v * Math.ceil(source.length / v);
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = source[i % source.length] as number;
    return out;
  };
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeatTo(salt), repeatTo(password)]);
  const output: Buffer[] = [];
  let produced = 0;
  while (produced < size) {
    let a = createHash(hash.name).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round++) a = createHash(hash.name).update(a).digest();
    output.push(a);
    produced += a.length;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, B being A repeated to v bytes.
    const b = repeatTo(a);
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = (input[offset + i] as number) + (b[i] as number) + carry;
        input[offset + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, size);
}

/** The BMPString form of a password (UTF-16 big-endian) with its two-byte terminator. */
function bmp(password: string): Buffer {
  const out = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function invalid(reason: string): KentraError {
  return new KentraError('config.invalid', `the certificate file cannot be read: ${reason}`, {
    hint: 'Give a PKCS #12 (.pfx/.p12) file, or one PEM file with the certificate and its private key.',
  });
}
