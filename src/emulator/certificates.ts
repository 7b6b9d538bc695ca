/**
 * Certificate credentials: a PEM or base64 DER certificate becomes a Graph
 * `keyCredential` with the two thumbprints a client assertion names it by
 * (`x5t` = base64url SHA-1 of the DER, `x5t#S256` = base64url SHA-256; RFC 7515
 * §4.1.7–8). Graph's `customKeyIdentifier` is the SHA-1 thumbprint.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { KeyCredential } from './model.js';

/** Parses one certificate (PEM, or the base64 DER Graph's `key` carries); throws on anything else. */
export function keyCredentialOf(
  certificate: string,
  options: { keyId: string; displayName: string | null },
): KeyCredential {
  const text = certificate.trim();
  const der = text.startsWith('-----BEGIN')
    ? new X509Certificate(text).raw
    : new X509Certificate(Buffer.from(text, 'base64')).raw;
  const x509 = new X509Certificate(der);
  return {
    keyId: options.keyId,
    displayName: options.displayName,
    key: der.toString('base64'),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    publicKeyPem: x509.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    startDateTime: new Date(x509.validFrom).toISOString(),
    endDateTime: new Date(x509.validTo).toISOString(),
  };
}

/** Graph's `customKeyIdentifier` for a certificate: its SHA-1 thumbprint, base64 (standard alphabet). */
export function customKeyIdentifier(credential: KeyCredential): string {
  return Buffer.from(credential.x5t, 'base64url').toString('base64');
}
