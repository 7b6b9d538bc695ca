/**
 * A fetch for HTTPS servers signed by a private CA (the emulator in tests and
 * demos): Node's global fetch cannot be given a CA per call, node:https can.
 * It implements the part of fetch the Graph client uses.
 */
import { request } from 'node:https';
import type { FetchLike } from './graph/client.js';

export function fetchTrusting(caPem: string): FetchLike {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: init.method, headers: init.headers, ca: caPem }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const header = (name: string) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
          };
          resolve({ status: res.statusCode ?? 0, headers: { get: header }, text: async () => text });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(init.body);
    });
}
