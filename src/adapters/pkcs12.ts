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
 * Password-based encryption:
 * - PBES2: PBKDF2 + AES-CBC (RFC 8018 §6.2), the UTF-8 password: OpenSSL 3's
 *   default and Windows' "AES256-SHA256" export;
 * - pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C), key and IV from the
 *   PKCS #12 key derivation (Appendix B) over the BMPString password: older
 *   OpenSSL and Windows' "TripleDES-SHA1";
 * - RC2-40 (`openssl pkcs12 -legacy` certificates) is not in the crypto library
 *   Node ships (OpenSSL 3 without its legacy provider): refused with a hint.
 * The MAC (Appendix B, ID 3, HMAC) is checked first, so a wrong password is
 * said as such. DER with definite lengths only (what OpenSSL and Windows write).
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
import { KentraError } from '../errors.js';

export interface CertificateAndKey {
  /** The certificate that belongs to the key first, then any others of the file (a chain). */
  certificatePem: string;
  /** PKCS #8, unencrypted: held in memory only. */
  privateKeyPem: string;
}

const oid = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  sha1And3DesCbc: '1.2.840.113549.1.12.1.3',
  sha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
  sha1And128BitRc2Cbc: '1.2.840.113549.1.12.1.5',
} as const;

/**
 * The most key-derivation rounds kentra runs for one file. OpenSSL writes 2048, Windows
 * 2000 to 10000, PBKDF2 guidance reaches 600,000; a damaged count in the billions would
 * otherwise hold get-token for hours.
 */
const maxIterations = 1_000_000;

function iterationsOf(tlv: Tlv): number {
  const count = integer(tlv);
  if (count < 1 || count > maxIterations)
    throw invalid(`it asks for ${count} key-derivation rounds (kentra runs at most ${maxIterations})`);
  return count;
}

/** Digest OIDs (MAC, and PBKDF2's HMAC PRF) with Node's names and the hash's block size (for the PKCS #12 KDF). */
const digests: Record<string, { name: string; block: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128 },
};
const hmacPrfs: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const aesCbc: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
};

/** Reads a PKCS #12 file's certificate and key; `password` undefined tries the empty password. */
export function readPkcs12(file: Buffer, password: string | undefined): CertificateAndKey {
  try {
    return readPfx(file, password);
  } catch (error) {
    if (error instanceof KentraError) throw error;
    throw invalid(`it is not a PKCS #12 file kentra can read (${(error as Error).message})`);
  }
}

function readPfx(file: Buffer, given: string | undefined): CertificateAndKey {
  const [version, authSafe, macData] = children(expect(parseOne(file), 0x30, 'PFX'));
  if (!version || integer(version) !== 3) throw invalid('its PFX version is not 3');
  const [type, wrapped] = children(expect(authSafe, 0x30, 'authSafe'));
  if (!type || oidOf(type) !== oid.data || !wrapped) throw invalid('its authSafe is not plain data');
  const safe = octets(onlyChild(expect(wrapped, 0xa0, 'authSafe content')));
  // RFC 7292 Appendix B.1: the BMPString password with its two-byte terminator; an absent
  // password is an empty string of bytes (OpenSSL writes both kinds of files).
  const candidates = given === undefined ? [bmp(''), Buffer.alloc(0)] : [bmp(given)];
  const password = macData ? candidates.find((p) => macMatches(macData, safe, p)) : candidates[0];
  if (!password)
    throw new KentraError('config.invalid', 'the PFX password is wrong', {
      hint:
        given === undefined
          ? 'The file is protected by a password: set AZURE_CLIENT_CERTIFICATE_PASSWORD.'
          : 'Check AZURE_CLIENT_CERTIFICATE_PASSWORD.',
    });
  const utf8 = given === undefined || password.length === 0 ? Buffer.alloc(0) : Buffer.from(given, 'utf8');
  const keys: KeyObject[] = [];
  const certificates: X509Certificate[] = [];
  for (const info of children(expect(parseOne(safe), 0x30, 'AuthenticatedSafe'))) {
    const [contentType, content] = children(expect(info, 0x30, 'ContentInfo'));
    if (!contentType || !content) throw invalid('a ContentInfo is incomplete');
    const kind = oidOf(contentType);
    let contents: Buffer;
    if (kind === oid.data) contents = octets(onlyChild(content));
    else if (kind === oid.encryptedData) {
      const [, encryptedContentInfo] = children(expect(onlyChild(content), 0x30, 'EncryptedData'));
      const [, algorithm, encrypted] = children(expect(encryptedContentInfo, 0x30, 'EncryptedContentInfo'));
      if (!algorithm || !encrypted) throw invalid('an EncryptedContentInfo is incomplete');
      contents = decrypt(algorithm, implicitOctets(encrypted), password, utf8);
    } else
      throw invalid(`it holds content of type ${kind}, which PKCS #12 files from OpenSSL or Windows do not`);
    for (const bag of children(expect(parseOne(contents), 0x30, 'SafeContents'))) {
      const [bagId, value] = children(expect(bag, 0x30, 'SafeBag'));
      if (!bagId || !value) continue;
      const bagValue = onlyChild(value);
      switch (oidOf(bagId)) {
        case oid.keyBag:
          keys.push(createPrivateKey({ key: bagValue.der, format: 'der', type: 'pkcs8' }));
          break;
        case oid.shroudedKeyBag: {
          const [algorithm, encrypted] = children(expect(bagValue, 0x30, 'EncryptedPrivateKeyInfo'));
          if (!algorithm || !encrypted) throw invalid('an encrypted key is incomplete');
          const der = decrypt(algorithm, octets(encrypted), password, utf8);
          keys.push(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
          break;
        }
        case oid.certBag: {
          const [certId, certValue] = children(expect(bagValue, 0x30, 'CertBag'));
          if (certId && oidOf(certId) === oid.x509Certificate && certValue)
            certificates.push(new X509Certificate(octets(onlyChild(certValue))));
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

/** MacData { DigestInfo { algorithm, digest }, macSalt, iterations DEFAULT 1 } (RFC 7292 §4). */
function macMatches(macData: Tlv, authSafe: Buffer, password: Buffer): boolean {
  const [digestInfo, salt, iterations] = children(expect(macData, 0x30, 'MacData'));
  const [algorithm, digest] = children(expect(digestInfo, 0x30, 'DigestInfo'));
  const [digestOid] = children(expect(algorithm, 0x30, 'AlgorithmIdentifier'));
  const hash = digestOid && Object.hasOwn(digests, oidOf(digestOid)) ? digests[oidOf(digestOid)] : undefined;
  if (!hash || !salt || !digest) throw invalid('its MAC uses an unknown digest');
  const expected = octets(digest);
  const size = createHash(hash.name).digest().length;
  const key = pkcs12Kdf(hash, password, octets(salt), iterations ? iterationsOf(iterations) : 1, 3, size);
  const actual = createHmac(hash.name, key).update(authSafe).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Decrypts with the AlgorithmIdentifier's scheme: PBES2 (UTF-8 password) or PKCS #12 PBE (BMPString). */
function decrypt(algorithm: Tlv, data: Buffer, bmpPassword: Buffer, utf8Password: Buffer): Buffer {
  const [schemeOid, parameters] = children(expect(algorithm, 0x30, 'AlgorithmIdentifier'));
  const scheme = schemeOid ? oidOf(schemeOid) : '';
  if (scheme === oid.pbes2 && parameters) {
    const [kdf, encryption] = children(expect(parameters, 0x30, 'PBES2-params'));
    const [kdfOid, kdfParameters] = children(expect(kdf, 0x30, 'keyDerivationFunc'));
    if (!kdfOid || oidOf(kdfOid) !== oid.pbkdf2 || !kdfParameters)
      throw invalid('it is encrypted with a key derivation other than PBKDF2');
    const [salt, iterations, ...rest] = children(expect(kdfParameters, 0x30, 'PBKDF2-params'));
    const prfAlgorithm = rest.find((part) => part.tag === 0x30);
    const prfOid = prfAlgorithm ? children(prfAlgorithm)[0] : undefined;
    const prf = prfOid ? hmacPrfs[oidOf(prfOid)] : 'sha1';
    const [cipherOid, iv] = children(expect(encryption, 0x30, 'encryptionScheme'));
    const cipher = cipherOid ? aesCbc[oidOf(cipherOid)] : undefined;
    if (!prf || !cipher || !salt || !iterations || !iv)
      throw invalid('it is encrypted with a PBES2 scheme other than PBKDF2 with AES-CBC');
    const keyLength = Number(cipher.slice(4, 7)) / 8;
    const key = pbkdf2Sync(utf8Password, octets(salt), iterationsOf(iterations), keyLength, prf);
    return decipher(cipher, key, octets(iv), data);
  }
  if (scheme === oid.sha1And3DesCbc && parameters) {
    const [salt, iterations] = children(expect(parameters, 0x30, 'pkcs-12PbeParams'));
    if (!salt || !iterations) throw invalid('its 3DES parameters are incomplete');
    const sha1 = { name: 'sha1', block: 64 };
    const rounds = iterationsOf(iterations);
    const key = pkcs12Kdf(sha1, bmpPassword, octets(salt), rounds, 1, 24);
    const iv = pkcs12Kdf(sha1, bmpPassword, octets(salt), rounds, 2, 8);
    return decipher('des-ede3-cbc', key, iv, data);
  }
  if (scheme === oid.sha1And40BitRc2Cbc || scheme === oid.sha1And128BitRc2Cbc)
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

// --- a DER reader: just what the structures above need --------------------------------------

interface Tlv {
  tag: number;
  /** The value bytes. */
  value: Buffer;
  /** The whole element (tag, length, value). */
  der: Buffer;
}

function parseAt(buffer: Buffer, offset: number): Tlv {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated');
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte tags are not used by PKCS #12');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new Error('indefinite lengths (BER) are not supported; DER is');
    if (count > 4) throw new Error('length too large');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buffer[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > buffer.length) throw new Error('truncated');
  return { tag, value: buffer.subarray(start, end), der: buffer.subarray(offset, end) };
}

function parseOne(buffer: Buffer): Tlv {
  const tlv = parseAt(buffer, 0);
  if (tlv.der.length !== buffer.length) throw new Error('trailing bytes');
  return tlv;
}

function children(tlv: Tlv | undefined): Tlv[] {
  if (!tlv) return [];
  if (!(tlv.tag & 0x20)) throw new Error(`element with tag ${tlv.tag} is not constructed`);
  const out: Tlv[] = [];
  for (let offset = 0; offset < tlv.value.length; ) {
    const child = parseAt(tlv.value, offset);
    out.push(child);
    offset += child.der.length;
  }
  return out;
}

function onlyChild(tlv: Tlv): Tlv {
  const [child] = children(tlv);
  if (!child) throw new Error('an explicit tag holds nothing');
  return child;
}

function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new Error(`${what} is missing or malformed`);
  return tlv;
}

/** An OCTET STRING's bytes; a constructed one (allowed in BER, seen in Windows exports) is its pieces joined. */
function octets(tlv: Tlv): Buffer {
  if (tlv.tag === 0x04) return tlv.value;
  if (tlv.tag === 0x24) return Buffer.concat(children(tlv).map(octets));
  throw new Error('an OCTET STRING is malformed');
}

/** `[0] IMPLICIT OCTET STRING` (EncryptedContentInfo.encryptedContent), primitive or constructed. */
function implicitOctets(tlv: Tlv): Buffer {
  if (tlv.tag === 0x80) return tlv.value;
  if (tlv.tag === 0xa0) return Buffer.concat(children(tlv).map(octets));
  throw new Error('the encrypted content is malformed');
}

function integer(tlv: Tlv): number {
  if (tlv.tag !== 0x02 || tlv.value.length > 6) throw new Error('an INTEGER is malformed');
  let value = 0;
  for (const byte of tlv.value) value = value * 256 + byte;
  return value;
}

function oidOf(tlv: Tlv): string {
  if (tlv.tag !== 0x06 || tlv.value.length === 0) throw new Error('an OBJECT IDENTIFIER is malformed');
  const first = tlv.value[0] as number;
  const arcs = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let arc = 0;
  for (const byte of tlv.value.subarray(1)) {
    arc = arc * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(arc);
      arc = 0;
    }
  }
  return arcs.join('.');
}

function invalid(reason: string): KentraError {
  return new KentraError('config.invalid', `the certificate file cannot be read: ${reason}`, {
    hint: 'Give a PKCS #12 (.pfx/.p12) file, or one PEM file with the certificate and its private key.',
  });
}
