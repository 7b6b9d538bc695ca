/**
 * The one error base of kentra. Every failure a user can meet is a KentraError
 * with a stable `code` (scripts match on it; it never changes meaning), a
 * message that says what went wrong, and a `hint` that says what to do next.
 *
 * Messages and hints must never contain a token, secret, password or
 * authorization code: they are printed, logged and pasted into tickets.
 */
export type ErrorCode =
  | 'usage'
  | 'internal'
  | 'config.invalid'
  | 'config.conflict'
  | 'config.locked'
  | 'io.read'
  | 'io.write'
  | 'net.unreachable'
  | 'net.http'
  | 'auth.interaction_required'
  | 'auth.failed'
  | 'auth.timeout'
  | 'cache.locked'
  | 'kube.unavailable'
  | 'kube.request'
  | 'access.invalid'
  | 'graph.request'
  | 'rbac.apply'
  | 'verify.failed'
  | 'entra.permission'
  | 'entra.app'
  | 'entra.auth'
  | 'pim.not_eligible'
  | 'pim.refused'
  | 'pim.pending'
  | 'pim.timeout';

export interface KentraErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Process exit status when this error ends the command. Defaults to 1 (2 for usage errors). */
  exitCode?: number;
  /** Structured, non-secret details for `-o json` and logs. */
  details?: Record<string, unknown>;
}

export class KentraError extends Error {
  override readonly name = 'KentraError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: KentraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (code === 'usage' ? 2 : 1);
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export function isKentraError(value: unknown): value is KentraError {
  return value instanceof KentraError;
}

/** Wraps anything thrown into a KentraError, keeping the original as `cause`. */
export function asKentraError(value: unknown): KentraError {
  if (value instanceof KentraError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new KentraError('internal', `unexpected failure: ${message}`, {
    cause: value,
    hint: 'This is a bug in kentra; please report it with the command you ran (set KENTRA_DEBUG=1 for details).',
  });
}
