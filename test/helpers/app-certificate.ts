/**
 * A self-signed RSA certificate for an app's certificate credential (what an
 * administrator uploads to the app registration). RSA, because msal-node signs
 * client assertions with RS256/PS256; the loopback servers' ECDSA certificates
 * (src/adapters/pki.ts) would not do.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface AppCertificate {
  certPem: string;
  keyPem: string;
  /** Certificate and key in one PEM file: what AZURE_CLIENT_CERTIFICATE_PATH points at. */
  bundlePem: string;
}

export async function createAppCertificate(commonName: string, days = 30): Promise<AppCertificate> {
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const certPem = certificate.toString('pem');
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return { certPem, keyPem, bundlePem: `${keyPem}\n${certPem}\n` };
}
