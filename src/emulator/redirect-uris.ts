/**
 * Redirect URI matching as Entra does it: exact, except that for http loopback
 * URIs (localhost, 127.0.0.1) the port is ignored (RFC 8252 §7.3), and a URI
 * without a path equals the same URI with `/`.
 */
import type { Application } from './model.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1']);

function normalised(raw: string, ignorePort: boolean): string | undefined {
  try {
    const url = new URL(raw);
    const port = ignorePort && url.protocol === 'http:' && loopbackHosts.has(url.hostname) ? '' : url.port;
    return `${url.protocol}//${url.hostname}${port ? `:${port}` : ''}${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

export function redirectUriAllowed(app: Application, uri: string): boolean {
  const wanted = normalised(uri, true);
  if (!wanted) return false;
  return [...app.publicClientRedirectUris, ...app.webRedirectUris].some(
    (registered) => normalised(registered, true) === wanted,
  );
}

/**
 * Entra treats a request as coming from a public client when its redirect URI is registered for the
 * "mobile and desktop" (publicClient) platform; no secret is needed then.
 */
export function isPublicClientRedirect(app: Application, uri: string): boolean {
  const wanted = normalised(uri, true);
  return (
    wanted !== undefined &&
    app.publicClientRedirectUris.some((registered) => normalised(registered, true) === wanted)
  );
}
