/**
 * An app-only Graph access token (OAuth 2.0 client credentials, scope
 * `https://graph.microsoft.com/.default`) for the live-state reads, kept until
 * five minutes before it expires. A single form POST: msal-node would add its
 * authority discovery and cache machinery for no gain here.
 */
import type { FetchLike } from '../adapters/graph/client.js';

export interface ClientCredentials {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

export function clientCredentialsToken(
  credentials: ClientCredentials,
  fetch: FetchLike,
  now: () => number,
): () => Promise<string> {
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return () => {
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
    pending ??= (async () => {
      const response = await fetch(credentials.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          scope: credentials.scope ?? 'https://graph.microsoft.com/.default',
        }).toString(),
      });
      const body = JSON.parse((await response.text()) || '{}') as {
        access_token?: string;
        expires_in?: number;
        error?: string;
      };
      if (response.status !== 200 || typeof body.access_token !== 'string')
        throw new Error(
          `client-credentials token request failed: HTTP ${response.status} ${body.error ?? ''}`.trim(),
        );
      const lifetime = (body.expires_in ?? 3600) * 1000;
      cached = { token: body.access_token, renewAt: now() + Math.max(lifetime - 300_000, lifetime / 2) };
      return body.access_token;
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
