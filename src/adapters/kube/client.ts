/**
 * kentra's own Kubernetes API client: JSON over HTTPS with keep-alive, the
 * Status object turned into a KentraError, and server-side apply. Small on
 * purpose: kentra needs a few verbs on a few kinds, not a generated client.
 */
import { Agent, request } from 'node:https';
import { KentraError } from '../../errors.js';
import type { KubeConnection } from './kubeconfig.js';

export interface KubeStatus {
  kind: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
}

/** Thrown for a non-2xx answer; `status` is the HTTP status, `reason` the Status reason. */
export class KubeRequestError extends KentraError {
  readonly status: number;
  readonly reason: string | undefined;

  constructor(method: string, path: string, status: number, body: KubeStatus | undefined) {
    super(
      'kube.request',
      `${method} ${path}: ${status} ${body?.reason ?? ''} ${body?.message ?? ''}`.trim(),
      {
        hint: hintFor(status),
        details: { status, reason: body?.reason },
      },
    );
    this.status = status;
    this.reason = body?.reason;
  }
}

function hintFor(status: number): string | undefined {
  if (status === 401)
    return "The API server did not accept the credentials: sign in again or check the cluster's authentication config.";
  if (status === 403) return 'Authenticated, but RBAC does not allow this request.';
  return undefined;
}

export class KubeClient {
  readonly server: string;
  private readonly agent: Agent;
  private readonly token: string | undefined;

  constructor(connection: KubeConnection, options: { timeoutMs?: number } = {}) {
    this.server = connection.server;
    this.token = connection.token;
    this.agent = new Agent({
      keepAlive: true,
      ca: connection.caPem,
      cert: connection.certPem,
      key: connection.keyPem,
      rejectUnauthorized: connection.insecureSkipTlsVerify !== true,
      timeout: options.timeoutMs ?? 30_000,
    });
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /**
   * Every item of a list (e.g. `/api/v1/namespaces`), following `continue`
   * tokens; `labelSelector` such as `app.kubernetes.io/managed-by=kentra`.
   */
  async list<T>(path: string, options: { labelSelector?: string; limit?: number } = {}): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.get<{ items?: T[]; metadata?: { continue?: string } }>(path, {
        labelSelector: options.labelSelector,
        limit: String(options.limit ?? 500),
        continue: token,
      });
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Server-side apply under a field manager (force: kentra owns the fields it manages). */
  apply<T>(
    path: string,
    body: unknown,
    fieldManager: string,
    options: { dryRun?: boolean } = {},
  ): Promise<T> {
    return this.request<T>('PATCH', path, {
      body,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: 'true', dryRun: options.dryRun ? 'All' : undefined },
    });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', (cause) =>
        reject(
          new KentraError('kube.unavailable', `cannot reach the Kubernetes API server at ${this.server}`, {
            cause,
            hint: 'Check the server URL and that the cluster is running.',
          }),
        ),
      );
      req.end(payload);
    });
    const body = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (status < 200 || status >= 300)
      throw new KubeRequestError(method, url.pathname, status, body as KubeStatus);
    return body as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
