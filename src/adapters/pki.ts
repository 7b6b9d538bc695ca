/**
 * A small certificate authority: generates CAs and leaf certificates (PEM) for
 * loopback servers (the emulator, the webhook, the test control plane) and for
 * client-certificate users. ECDSA P-256 everywhere: fast to generate and
 * accepted by Node's TLS, Go's crypto/tls (kube-apiserver) and Chromium.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs it.
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyPairPem {
  /** PEM certificate. */
  certPem: string;
  /** PEM PKCS#8 private key. */
  keyPem: string;
}

export interface CertificateAuthority extends KeyPairPem {
  readonly name: string;
  issue(request: LeafRequest): Promise<KeyPairPem>;
}

export interface LeafRequest {
  commonName: string;
  /** Subject O= values; Kubernetes reads them as group names for client certificates. */
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usage: 'server' | 'client';
  /** Validity in days (default 30). */
  days?: number;
}

function serialNumber(): string {
  // Positive 16-byte serial (RFC 5280 §4.1.2.2): clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function escapeDnValue(value: string): string {
  return value.replace(/[,+="\\<>;#]/g, (ch) => `\\${ch}`);
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  // Back-date by a minute so that a peer with a slightly slow clock accepts it at once.
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

async function privateKeyPem(keys: KeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

async function generateKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as KeyPair;
}

export async function createCertificateAuthority(name: string, days = 365): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${escapeDnValue(name)}`,
    ...validity(days),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return caFrom(name, cert, keys, await privateKeyPem(keys));
}

/** Loads a CA written earlier (for example by `kentra emulator` into its state folder). */
export async function loadCertificateAuthority(pair: KeyPairPem): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(pair.certPem);
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(pair.keyPem),
    algorithm,
    true,
    ['sign'],
  );
  const publicKey = await cert.publicKey.export(algorithm, ['verify']);
  const keys = { privateKey, publicKey } as unknown as KeyPair;
  return caFrom(cert.subjectName.getField('CN')[0] ?? 'kentra', cert, keys, pair.keyPem);
}

function caFrom(
  name: string,
  cert: x509.X509Certificate,
  keys: KeyPair,
  keyPem: string,
): CertificateAuthority {
  return {
    name,
    certPem: cert.toString('pem'),
    keyPem,
    async issue(request) {
      const leafKeys = await generateKeys();
      const subject = [`CN=${escapeDnValue(request.commonName)}`]
        .concat((request.organizations ?? []).map((org) => `O=${escapeDnValue(org)}`))
        .join(', ');
      const altNames = [
        ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
      ];
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject,
        issuer: cert.subject,
        ...validity(request.days ?? 30),
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: algorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension(
            [
              request.usage === 'server'
                ? x509.ExtendedKeyUsage.serverAuth
                : x509.ExtendedKeyUsage.clientAuth,
            ],
            false,
          ),
          ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
          await x509.AuthorityKeyIdentifierExtension.create(cert),
        ],
      });
      return { certPem: leaf.toString('pem'), keyPem: await privateKeyPem(leafKeys) };
    },
  };
}
