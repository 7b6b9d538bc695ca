/**
 * The HTTP client MSAL uses, given through `system.networkClient`. msal-node 7
 * sends requests with the global fetch and has no option for an extra CA, so a
 * self-hosted authority (the kentra emulator, a TLS-inspecting proxy in a
 * company network) needs this: node:https with the system roots plus the CA
 * file the user named with --certificate-authority.
 */
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

export interface NetworkClientOptions {
  /** Extra trusted CA certificates (PEM). */
  caPem?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /**
   * Told about every failed request. MSAL replaces network errors by its own
   * generic ones ("endpoints_resolution_error"), so this is where the real
   * cause (ECONNREFUSED, an untrusted certificate) is still known.
   */
  onFailure?: (url: URL, error: Error) => void;
  /**
   * Told about every OAuth error answer (`error`, `error_description`) but a device code
   * still pending. msal-node's device code poll replaces Entra's answer by a bare
   * "post_request_failed: invalid_grant", dropping the AADSTS code that says *why*
   * (53003: Conditional Access blocks device code); this is where it is still known.
   */
  onErrorAnswer?: (url: URL, description: string) => void;
}

/** OAuth errors that only mean "ask again" while a device code waits for its person (RFC 8628 §3.5). */
const stillWaiting = new Set(['authorization_pending', 'slow_down']);

export function createNetworkClient(options: NetworkClientOptions = {}): INetworkModule {
  const ca = options.caPem ? [...rootCertificates, options.caPem] : undefined;
  const send = <T>(
    method: 'GET' | 'POST',
    url: string,
    init: NetworkRequestOptions | undefined,
    timeoutMs = options.timeoutMs ?? 30_000,
  ): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const fail = (error: Error) => {
        options.onFailure?.(target, error);
        reject(error);
      };
      const body = init?.body;
      const headers: Record<string, string> = { ...init?.headers };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = request(target, { method, headers, ca, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            // MSAL reads `error`/`error_description` from the body; give it a shape it understands.
            parsed = {
              error: 'invalid_response',
              error_description: `non-JSON response (HTTP ${res.statusCode})`,
            };
          }
          const answer = parsed as { error?: unknown; error_description?: unknown };
          if (
            (res.statusCode ?? 0) >= 400 &&
            typeof answer.error === 'string' &&
            !stillWaiting.has(answer.error)
          )
            options.onErrorAnswer?.(
              target,
              typeof answer.error_description === 'string' ? answer.error_description : answer.error,
            );
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: parsed as T });
        });
      });
      req.on('timeout', () =>
        req.destroy(new Error(`no answer from ${target.origin} within ${timeoutMs} ms`)),
      );
      req.on('error', fail);
      req.end(body);
    });
  return {
    sendGetRequestAsync: (url, init, timeout) => send('GET', url, init, timeout),
    sendPostRequestAsync: (url, init) => send('POST', url, init),
  };
}
