/**
 * Small node:http helpers: bounded body reading, form and JSON parsing,
 * cookies, and JSON/HTML/redirect responses with Entra's no-store headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StsFailure } from './errors.js';

const maxBody = 1024 * 1024;
const drainLimit = 16 * maxBody;

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  /** The client's IP address (IPv4-mapped IPv6 unwrapped). */
  readonly ip: string;
  readonly userAgent: string;
  readonly cookies: ReadonlyMap<string, string>;
  /** Reads the body once; later calls return the same text. */
  text(): Promise<string>;
}

export function exchangeOf(req: IncomingMessage, res: ServerResponse, base: string): Exchange {
  let body: Promise<string> | undefined;
  const remote = req.socket.remoteAddress ?? '127.0.0.1';
  return {
    req,
    res,
    url: new URL(req.url ?? '/', base),
    method: (req.method ?? 'GET').toUpperCase(),
    ip: remote.startsWith('::ffff:') ? remote.slice(7) : remote,
    userAgent: req.headers['user-agent'] ?? '',
    cookies: parseCookies(req.headers.cookie),
    text: () => {
      body ??= readBody(req);
      return body;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBody) chunks.push(chunk as Buffer);
    // Past the limit the rest is read and dropped: leaving the loop destroys the
    // request, and with it the socket, so a client still sending would see a
    // connection reset instead of Entra's error. Only a flood ends it early.
    else if (size > drainLimit) break;
  }
  if (size > maxBody) throw new StsFailure(9002313, 'The request body is larger than 1 MiB.');
  return Buffer.concat(chunks).toString('utf8');
}

/** The POST body as form parameters (application/x-www-form-urlencoded). */
export async function formOf(exchange: Exchange): Promise<URLSearchParams> {
  const type = exchange.req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new StsFailure(9002313, 'The body must be application/x-www-form-urlencoded.');
  }
  return new URLSearchParams(await exchange.text());
}

/** decodeURIComponent that leaves malformed escapes as they are instead of throwing. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies.set(part.slice(0, index).trim(), safeDecode(part.slice(index + 1).trim()));
  }
  return cookies;
}

const noStore = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', expires: '-1' };

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...noStore,
    ...headers,
  });
  res.end(text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...noStore,
    ...headers,
  });
  res.end(html);
}

export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(302, { location, ...noStore, ...headers });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
