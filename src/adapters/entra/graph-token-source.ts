/**
 * One Graph token per scope for as long as the credential lives (one per
 * process: a command opens Graph once, the webhook at start): concurrent
 * callers share one request, and the token is renewed ahead of its expiry
 * (at @azure/identity's `refreshAfterTimestamp`, else five minutes before).
 * The Azure CLI and a ready token are not cached by @azure/identity, and the
 * Graph client asks before every request, so this is where the caching lives.
 * The token never enters a message; a failure names the mode and Entra's reason.
 */
import type { TokenCredential } from '@azure/identity';
import { KentraError } from '../../errors.js';
import type { ResolvedGraphAuthMode } from './graph-auth-modes.js';

const renewAheadMs = 5 * 60_000;

export type TokenSource = (scope: string) => Promise<string>;

export function graphTokenSource(
  credential: TokenCredential,
  modes: readonly ResolvedGraphAuthMode[],
  now: () => number,
): TokenSource {
  const tokens = new Map<string, { token: string; renewAt: number }>();
  const pending = new Map<string, Promise<string>>();
  return (scope) => {
    const cached = tokens.get(scope);
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
    let request = pending.get(scope);
    if (!request) {
      request = fetchToken(credential, scope, modes)
        .then((answer) => {
          const renewAt = answer.refreshAfterTimestamp ?? answer.expiresOnTimestamp - renewAheadMs;
          tokens.set(scope, { token: answer.token, renewAt });
          return answer.token;
        })
        .finally(() => pending.delete(scope));
      pending.set(scope, request);
    }
    return request;
  };
}

async function fetchToken(
  credential: TokenCredential,
  scope: string,
  modes: readonly ResolvedGraphAuthMode[],
) {
  const described = modes.join(', then ');
  let answer: Awaited<ReturnType<TokenCredential['getToken']>>;
  try {
    answer = await credential.getToken(scope);
  } catch (cause) {
    throw new KentraError(
      'entra.auth',
      `cannot get a Microsoft Graph token (${described}): ${reason(cause)}`,
      {
        cause,
        hint: modes.includes('azure-cli')
          ? 'Sign in with `az login --tenant <tenant>`, or choose another --graph-auth (docs/graph-auth.md).'
          : 'Check the identity, its Graph permissions and the tenant (kentra.yaml tenant.id, tenant.authority); docs/graph-auth.md lists what each mode needs.',
      },
    );
  }
  if (!answer) throw new KentraError('entra.auth', `no Microsoft Graph token from ${described}`);
  return answer;
}

/** The first line of the library's message (Entra's AADSTS text, or "az login" advice): never a token. */
function reason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const line = message.split('\n').find((part) => part.trim() !== '') ?? 'unknown error';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
