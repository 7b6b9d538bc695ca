/**
 * Identifiers the way Entra shapes them: GUID object IDs (stable ones derived
 * from names, so a seed without IDs keeps them across restarts), 22-character
 * base64url `uti` values and opaque codes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A GUID derived from its parts (RFC 4122 version 5 layout over SHA-1), stable across runs. */
export function stableGuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newGuid(): string {
  return randomUUID();
}

/** Entra's `uti`: 16 random bytes, base64url, 22 characters (e.g. `fqiBqXLPj0eQa82S-IYFAA`). */
export function newUti(): string {
  return randomBytes(16).toString('base64url');
}

/** An opaque, unguessable value (codes, refresh tokens, secrets). */
export function opaque(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Device-flow user code: 9 characters of [A-Z0-9] without look-alikes, like `BKG99ZAF3`. */
export function newUserCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(9);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
