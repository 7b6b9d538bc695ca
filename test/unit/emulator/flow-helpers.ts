/** Small helpers shared by the emulator's protocol tests: raw authorize URLs and token calls. */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { EmulatorHandle } from '../../harness/emulator.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(method: 'S256' | 'plain' = 'S256'): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier,
  };
}

export function authorizeUrl(
  entra: EmulatorHandle,
  params: Record<string, string>,
  tenant = entra.tenantId,
): string {
  const url = new URL(`${entra.url}/${tenant}/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: entra.clientId,
    response_type: 'code',
    redirect_uri: 'http://localhost:1/',
    scope: 'openid profile offline_access',
    ...params,
  }).toString();
  return url.toString();
}

export async function tokenCall(
  entra: EmulatorHandle,
  form: Record<string, string>,
  tenant = entra.tenantId,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await entra.fetchJson(`${entra.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: response.body as Record<string, unknown> };
}

export function claimsOf(token: unknown): Record<string, unknown> {
  return decodeJwt(String(token)) as Record<string, unknown>;
}

/** The AADSTS code of an Entra error body, after checking the body has every field Entra sends. */
export function aadsts(body: Record<string, unknown>): number {
  for (const field of [
    'error',
    'error_description',
    'error_codes',
    'timestamp',
    'trace_id',
    'correlation_id',
  ]) {
    if (!(field in body)) throw new Error(`Entra error body lacks ${field}: ${JSON.stringify(body)}`);
  }
  const codes = body.error_codes as number[];
  const description = String(body.error_description);
  if (!description.startsWith(`AADSTS${codes[0]}:`) || !description.includes('\r\nTrace ID: ')) {
    throw new Error(`malformed error_description: ${description}`);
  }
  return codes[0] ?? 0;
}
