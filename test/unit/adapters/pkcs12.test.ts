/**
 * PKCS #12 files as OpenSSL 3 and older tools write them (test/fixtures/certificates,
 * README there): each gives the certificate that belongs to its key, first, and the
 * key; a wrong password, a legacy cipher and a damaged file are said plainly.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readPkcs12 } from '../../../src/adapters/pkcs12.js';
import { KentraError } from '../../../src/errors.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/certificates/${name}`, import.meta.url));
const password = 'kentra-test-pfx-password';
const certificate = new X509Certificate(fixture('cert.pem'));

/** The PEM certificates of a bundle, in order. */
const certificatesOf = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );

const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof KentraError && error.code === 'config.invalid' && pattern.test(error.message);

describe('reading a PFX (PKCS #12) file', () => {
  for (const [file, given] of [
    ['spn-aes.pfx', password],
    ['spn-3des.pfx', password],
    ['spn-nopass.pfx', undefined],
    ['spn-nopass.pfx', ''],
    ['spn-nomac.pfx', undefined],
  ] as const)
    it(`${file} (${given === undefined ? 'no password given' : given === '' ? 'the empty password' : 'its password'}): the certificate of the key, and the key`, () => {
      const { certificatePem, privateKeyPem } = readPkcs12(fixture(file), given);
      const [own] = certificatesOf(certificatePem);
      assert.equal(own?.fingerprint256, certificate.fingerprint256);
      const key = createPrivateKey(privateKeyPem);
      assert.ok(own?.checkPrivateKey(key));
      assert.equal(
        createPublicKey(key).export({ format: 'pem', type: 'spki' }),
        certificate.publicKey.export({ format: 'pem', type: 'spki' }),
      );
      assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----/, 'PKCS #8, unencrypted, in memory');
    });

  it('puts the certificate of the key first and keeps the others after it', () => {
    const all = certificatesOf(readPkcs12(fixture('spn-aes.pfx'), password).certificatePem);
    assert.equal(all.length, 2);
    assert.equal(all[0]?.subject, 'CN=kentra-test-spn');
    assert.equal(all[1]?.subject, 'CN=kentra-test-other');
  });

  it('says a wrong or missing password is wrong, naming the variable, never the password', () => {
    assert.throws(
      () => readPkcs12(fixture('spn-aes.pfx'), 'not-it'),
      (error: unknown) =>
        refusal(/the PFX password is wrong/)(error) &&
        /AZURE_CLIENT_CERTIFICATE_PASSWORD/.test((error as KentraError).hint ?? '') &&
        !JSON.stringify(error).includes('not-it'),
    );
    assert.throws(
      () => readPkcs12(fixture('spn-3des.pfx'), undefined),
      (error: unknown) =>
        refusal(/password is wrong/)(error) &&
        /set AZURE_CLIENT_CERTIFICATE_PASSWORD/.test((error as KentraError).hint ?? ''),
    );
  });

  it('refuses RC2 (openssl -legacy) with the command that exports it again', () => {
    assert.throws(
      () => readPkcs12(fixture('spn-rc2.pfx'), password),
      (error: unknown) =>
        refusal(/encrypted with RC2/)(error) &&
        /openssl pkcs12 .*-export/.test((error as KentraError).hint ?? ''),
    );
  });

  it('refuses what is not PKCS #12, and a damaged file, as config.invalid', () => {
    const good = fixture('spn-aes.pfx');
    assert.throws(() => readPkcs12(fixture('cert.pem'), undefined), refusal(/cannot be read/));
    assert.throws(() => readPkcs12(good.subarray(0, good.length - 7), password), refusal(/cannot be read/));
    assert.throws(() => readPkcs12(Buffer.alloc(0), password), refusal(/cannot be read/));
    const flipped = Buffer.from(good);
    flipped[flipped.length - 40] = (flipped[flipped.length - 40] as number) ^ 0xff;
    assert.throws(
      () => readPkcs12(flipped, password),
      (error: unknown) => error instanceof KentraError && error.code === 'config.invalid',
    );
  });

  it('refuses an absurd key-derivation round count instead of running it', () => {
    // A PFX with an empty AuthenticatedSafe and a MAC asking for 2^40 rounds (DER built by hand).
    const der = (tag: number, ...parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      const length =
        body.length < 0x80
          ? Buffer.from([body.length])
          : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
      return Buffer.concat([Buffer.from([tag]), length, body]);
    };
    const oid = (hex: string) => der(0x06, Buffer.from(hex, 'hex'));
    const data = oid('2a864886f70d010701');
    const sha256 = oid('608648016503040201');
    const authSafe = der(0x30, data, der(0xa0, der(0x04, der(0x30))));
    const mac = der(
      0x30,
      der(0x30, der(0x30, sha256, der(0x05)), der(0x04, Buffer.alloc(32))),
      der(0x04, Buffer.alloc(8)),
      der(0x02, Buffer.from([0x01, 0, 0, 0, 0, 0])),
    );
    const pfx = der(0x30, der(0x02, Buffer.from([3])), authSafe, mac);
    assert.throws(() => readPkcs12(pfx, password), refusal(/asks for 1099511627776 key-derivation rounds/));
  });
});
