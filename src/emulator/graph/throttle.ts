/**
 * Entra-like throttling of Graph: each app gets a budget of requests per
 * tenant in a sliding 10-second window; past it, requests get 429
 * `TooManyRequests` with `Retry-After` (seconds until the window has room), as
 * Graph's identity and access service does. Entra's published limit for a
 * large tenant is 3,500 resource units per 10 s per app and tenant
 * (learn.microsoft.com/graph/throttling-limits, "Identity and access service
 * limits"); the emulator counts one unit per request (Entra charges a read 1
 * to 2 units). Tests lower the limit through the control to provoke throttling.
 */
import { GraphFailure } from '../errors.js';

export const entraRequestsPer10s = 3500;
const windowMs = 10_000;

export class GraphThrottle {
  private readonly windows = new Map<string, number[]>();
  /** Requests per 10 s per tenant and app; Infinity switches throttling off. */
  limit = entraRequestsPer10s;
  /** 429s answered, for tests and benchmarks. */
  throttled = 0;

  constructor(private readonly now: () => number) {}

  /** Counts a request, or throws the 429 Graph would answer. */
  admit(tenantId: string, appId: string): void {
    if (!Number.isFinite(this.limit)) return;
    const key = `${tenantId}/${appId}`;
    const now = this.now();
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] as number) <= now - windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= this.limit) {
      this.throttled++;
      const retryAfter = Math.max(1, Math.ceil(((times[0] as number) + windowMs - now) / 1000));
      throw new GraphFailure(429, 'TooManyRequests', 'Too many requests; retry after the time given.', {
        'retry-after': String(retryAfter),
      });
    }
    times.push(now);
  }
}
