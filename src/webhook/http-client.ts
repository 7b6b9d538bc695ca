/**
 * The webhook's one way out to the network: a tiny HTTPS client over
 * node:https with a keep-alive agent and an optional extra CA (the emulator's,
 * or a corporate proxy's). Node's global fetch cannot take a CA without
 * undici's dispatcher, which is not a dependency; this is the injected
 * `HttpFetch` that the JWKS cache and the Graph state use, and that tests
 * replace or point at loopback servers.
 */
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export type HttpFetch = (url: string, init?: HttpRequest) => Promise<HttpResponse>;

export interface HttpsFetchOptions {
  /** Extra trusted CA certificates (PEM); the system roots stay trusted too. */
  caPem?: string;
  timeoutMs?: number;
  /** Largest response body accepted (a JWKS or a Graph page is small). */
  maxBodyBytes?: number;
}

export function httpsFetch(options: HttpsFetchOptions = {}): HttpFetch {
  // Giving `ca` replaces Node's default roots: keep them so that real Entra still verifies.
  const agent = new Agent({
    keepAlive: true,
    ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  return (url, init = {}) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? 'GET', headers: init.headers, agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBody) {
              req.destroy(new Error(`response from ${new URL(url).host} exceeds ${maxBody} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const headers: Record<string, string | undefined> = {};
            for (const [name, value] of Object.entries(res.headers))
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`no answer from ${new URL(url).host} in ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(init.body);
    });
}
