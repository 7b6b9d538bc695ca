/**
 * The output half of the exec-credential protocol: the ExecCredential object a
 * plugin prints on stdout. stdout is a protocol channel; this JSON is the only
 * thing `kentra get-token` ever writes there.
 */
import type { ExecApiVersion } from './exec-info.js';

export interface ExecCredential {
  apiVersion: ExecApiVersion;
  kind: 'ExecCredential';
  spec: Record<string, never>;
  status: { token: string; expirationTimestamp: string };
}

/**
 * `expiresAt` is the moment kubectl must stop using the token and run the
 * plugin again; client-go compares it without skew, so the caller passes an
 * instant that is already a margin before the token's real `exp`.
 */
export function execCredential(apiVersion: ExecApiVersion, token: string, expiresAt: number): ExecCredential {
  return {
    apiVersion,
    kind: 'ExecCredential',
    spec: {},
    // RFC 3339 without fractional seconds, as client-go's metav1.Time writes it.
    status: { token, expirationTimestamp: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  };
}

export function renderExecCredential(credential: ExecCredential): string {
  return `${JSON.stringify(credential)}\n`;
}
