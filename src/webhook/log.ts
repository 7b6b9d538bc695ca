/**
 * Structured JSON logs, one object per line, for the webhook's operators.
 * Callers pass fields, never free text assembled from request data, and never
 * a token: the review pipeline logs the token's `uti` and a short hash prefix,
 * which identify it without being usable as a credential.
 */
import type { TextSink } from '../ports/text-sink.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLog(sink: TextSink, now: () => number, minimum: LogLevel = 'info'): Log {
  return (level, event, fields) => {
    if (order[level] < order[minimum]) return;
    sink.write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields })}\n`);
  };
}

export const silentLog: Log = () => {};
