/**
 * get-token's flow with every impure part faked: an in-memory store, a lock
 * that can let "another process" finish first, scripted sign-in flows and a
 * clock the test moves. Refresh, lock and back-off are decided here without
 * waiting for a real token to expire.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheEntry } from '../../../src/adapters/token-cache/entry.js';
import type { CacheKey } from '../../../src/adapters/token-cache/key.js';
import { KentraError } from '../../../src/errors.js';
import { cacheKeyFor } from '../../../src/usecases/cache-key.js';
import { getToken } from '../../../src/usecases/get-token.js';
import type {
  GetTokenDeps,
  GetTokenInput,
  SignInFlows,
  TokenStore,
} from '../../../src/usecases/get-token-cache.js';

const minute = 60_000;
const hour = 60 * minute;
const start = Date.UTC(2030, 0, 1, 9, 0, 0);

const input: GetTokenInput = {
  authorityHost: 'https://login.microsoftonline.com',
  tenant: 'contoso',
  clientId: 'app-1',
  tokenType: 'id',
  scopes: [],
  loginHint: 'alice@contoso.com',
  login: 'auto',
  timeoutMs: 3 * minute,
  forceRefresh: false,
};
const key = cacheKeyFor(input, 'browser');
/** kubectl without a terminal (an IDE, a script): KUBERNETES_EXEC_INFO says interactive false. */
const withoutTerminal = {
  KUBERNETES_EXEC_INFO: JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  }),
};

function entry(token: string, obtainedAt: number, lifetimeMs = hour, refreshable = true): CacheEntry {
  return {
    version: 1,
    key,
    token,
    obtainedAt,
    expiresAt: obtainedAt + lifetimeMs,
    ...(refreshable
      ? {
          account: { username: 'alice@contoso.com', homeAccountId: 'home-1', tenantId: 'tid' },
          msalCache: '{"RefreshToken":{}}',
        }
      : {}),
  };
}

/** Everything get-token touches, faked, plus what happened to it. */
function world(options: { env?: Record<string, string>; browser?: boolean } = {}) {
  let now = start;
  const entries = new Map<string, CacheEntry>();
  const id = (k: CacheKey) => JSON.stringify(k);
  const failures = new Map<string, { at: number; reason: string }>();
  const said: string[] = [];
  const calls: string[] = [];
  let whileWaiting: (() => void) | undefined;
  const store: TokenStore = {
    dir: '/cache/kentra',
    read: async (k) => entries.get(id(k)),
    write: async (e) => {
      calls.push(`write ${e.token}`);
      entries.set(id(e.key), e);
    },
    ensureDir: async () => {},
    lastFailure: async (k) => failures.get(id(k)),
    recordFailure: async (k, at, reason) => {
      calls.push(`record failure at +${(at - start) / 1000}s`);
      failures.set(id(k), { at, reason });
    },
    clearFailure: async (k) => {
      failures.delete(id(k));
    },
  };
  let refresh: SignInFlows['refresh'] = async (_input, deps) => entry('refreshed', deps.now());
  let signIn: SignInFlows['signIn'] = async (_input, deps, flow) => {
    calls.push(`sign in (${flow})`);
    return entry('signed-in', deps.now());
  };
  const deps: GetTokenDeps = {
    env: options.env ?? {},
    now: () => now,
    say: (line) => said.push(line),
    interrupted: new Promise(() => {}),
    store,
    lock: async (_key, lockOptions) => {
      calls.push('lock');
      if (whileWaiting) {
        lockOptions.onWait({ pid: 4242, host: 'here', since: now });
        whileWaiting();
        whileWaiting = undefined;
      }
      return {
        release: async () => {
          calls.push('unlock');
        },
      };
    },
    browser: {
      available: async () => options.browser ?? true,
      open: async () => ({ command: 'stand-in', custom: true, exited: new Promise(() => {}) }),
    },
    flows: async () => {
      calls.push('load flows');
      return {
        refresh: async (...args) => {
          calls.push(`refresh ${args[3].token}`);
          return refresh(...args);
        },
        signIn: (...args) => signIn(...args),
      };
    },
  };
  return {
    deps,
    entries,
    said,
    calls,
    seed: (e: CacheEntry) => entries.set(id(e.key), e),
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    /** Runs `work` after the lock reports a holder and before it is granted: another process at work. */
    meanwhile: (work: () => void) => {
      whileWaiting = work;
    },
    refreshWith: (fn: SignInFlows['refresh']) => {
      refresh = fn;
    },
    signInWith: (fn: SignInFlows['signIn']) => {
      signIn = fn;
    },
  };
}

const tokenOf = (text: string) => (JSON.parse(text) as { status: { token: string } }).status.token;
const expiryOf = (text: string) =>
  Date.parse((JSON.parse(text) as { status: { expirationTimestamp: string } }).status.expirationTimestamp);

describe('get-token with a fake clock', () => {
  it('answers a fresh cached token without lock or sign-in flows', async () => {
    const w = world();
    w.seed(entry('cached', start));
    w.advance(30 * minute);
    const text = await getToken(input, w.deps);
    assert.equal(tokenOf(text), 'cached');
    // One hour token, five minute margin: kubectl is told to come back at 55 minutes.
    assert.equal(expiryOf(text), start + 55 * minute);
    assert.deepEqual(w.calls, []);
  });

  it('refreshes once the clock passes the early-expiry margin, under the lock, and caches the result', async () => {
    const w = world();
    w.seed(entry('cached', start));
    w.advance(55 * minute);
    const text = await getToken(input, w.deps);
    assert.equal(tokenOf(text), 'refreshed');
    assert.equal(expiryOf(text), w.now() + 55 * minute);
    assert.deepEqual(w.calls, ['lock', 'load flows', 'refresh cached', 'write refreshed', 'unlock']);
    // The next kubectl a minute later is a plain hit on the refreshed entry.
    w.calls.length = 0;
    w.advance(minute);
    assert.equal(tokenOf(await getToken(input, w.deps)), 'refreshed');
    assert.deepEqual(w.calls, []);
  });

  it('signs in again when the refresh token is no longer accepted, saying why in one line', async () => {
    const w = world();
    w.seed(entry('cached', start));
    w.refreshWith(async () => ({ refused: 'the session was revoked (AADSTS50173)' }));
    w.advance(2 * hour);
    assert.equal(tokenOf(await getToken(input, w.deps)), 'signed-in');
    assert.deepEqual(w.said, ['kentra: the session was revoked (AADSTS50173); signing in again.']);
    assert.deepEqual(w.calls, [
      'lock',
      'load flows',
      'refresh cached',
      'sign in (browser)',
      'write signed-in',
      'unlock',
    ]);
  });

  it('uses the token another process obtained while this one waited for the lock', async () => {
    const w = world();
    w.seed(entry('cached', start));
    w.advance(hour);
    w.meanwhile(() => w.seed(entry('from-the-other-process', w.now())));
    assert.equal(tokenOf(await getToken(input, w.deps)), 'from-the-other-process');
    assert.deepEqual(w.calls, ['lock', 'unlock']);
    assert.match(w.said.join('\n'), /another kentra process \(pid 4242\) is signing in/);
  });

  it('--force-refresh skips a fresh entry, but takes one written after it started waiting', async () => {
    const w = world();
    w.seed(entry('cached', start));
    w.advance(minute);
    assert.equal(tokenOf(await getToken({ ...input, forceRefresh: true }, w.deps)), 'refreshed');
    assert.deepEqual(w.calls, ['lock', 'load flows', 'refresh cached', 'write refreshed', 'unlock']);

    w.calls.length = 0;
    w.advance(minute);
    w.meanwhile(() => w.seed(entry('newer', w.now())));
    assert.equal(tokenOf(await getToken({ ...input, forceRefresh: true }, w.deps)), 'newer');
    assert.deepEqual(w.calls, ['lock', 'unlock']);
  });

  it('never prompts when kubectl runs without a terminal and nothing can be refreshed', async () => {
    const w = world({ env: withoutTerminal });
    w.seed(entry('cached', start, hour, false));
    w.advance(2 * hour);
    await assert.rejects(
      getToken(input, w.deps),
      (error: unknown) => error instanceof KentraError && error.code === 'auth.interaction_required',
    );
    assert.deepEqual(w.calls, ['lock', 'load flows', 'unlock']);
  });

  it('after a failed interactive sign-in run by kubectl, waits 60 s of clock before opening another', async () => {
    const byKubectl = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: true },
    });
    const w = world({ env: { KUBERNETES_EXEC_INFO: byKubectl } });
    w.signInWith(async () => {
      throw new KentraError('auth.failed', 'the user closed the browser');
    });
    await assert.rejects(getToken(input, w.deps), /closed the browser/);
    assert.deepEqual(w.calls, ['lock', 'load flows', 'record failure at +0s', 'unlock']);

    w.calls.length = 0;
    w.advance(59_000);
    await assert.rejects(getToken(input, w.deps), (error: unknown) => {
      assert.ok(error instanceof KentraError && error.code === 'auth.interaction_required');
      assert.match(error.hint ?? '', /Not opening another sign-in for 1s/);
      return true;
    });
    assert.deepEqual(w.calls, ['lock', 'load flows', 'unlock']);

    w.calls.length = 0;
    w.advance(2_000);
    w.signInWith(async (_input, deps) => entry('signed-in', deps.now()));
    assert.equal(tokenOf(await getToken(input, w.deps)), 'signed-in');
  });

  it('chooses device code where no browser can open, and an app flow when a secret is set', async () => {
    const noBrowser = world({ browser: false });
    await getToken(input, noBrowser.deps);
    assert.ok(noBrowser.calls.includes('sign in (devicecode)'));

    const app = world({ env: { AZURE_CLIENT_SECRET: 'set' } });
    await getToken({ ...input, tokenType: 'access', loginHint: undefined }, app.deps);
    assert.ok(app.calls.includes('sign in (spn)'));
  });

  it('still answers when the cache folder cannot be made, and says why once', async () => {
    const w = world();
    w.deps.store.ensureDir = async () => {
      throw Object.assign(new Error('read-only'), { code: 'EROFS' });
    };
    w.deps.store.write = async () => {
      throw Object.assign(new Error('read-only'), { code: 'EROFS' });
    };
    assert.equal(tokenOf(await getToken(input, w.deps)), 'signed-in');
    assert.ok(!w.calls.includes('lock'), 'no lock without a cache folder');
    const warnings = w.said.filter((line) => line.includes('cannot write the token cache'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /EROFS/);
  });

  it('says why a refresh was refused when kubectl runs without a terminal', async () => {
    const w = world({ env: withoutTerminal });
    w.seed(entry('cached', start));
    w.refreshWith(async () => ({ refused: 'the refresh token expired from inactivity (AADSTS700082)' }));
    w.advance(2 * hour);
    await assert.rejects(getToken(input, w.deps), (error: unknown) => {
      assert.ok(error instanceof KentraError);
      assert.equal(
        error.message,
        'no valid token cached (the refresh token expired from inactivity (AADSTS700082)) and kubectl runs without a terminal',
      );
      return true;
    });
    assert.ok(!w.calls.some((call) => call.startsWith('sign in')));
  });
});

describe('get-token after a refused sign-in (Conditional Access)', () => {
  const blocked = () =>
    new KentraError(
      'auth.failed',
      'sign-in failed: a Conditional Access policy blocked the sign-in (AADSTS53003)',
      {
        details: { aadsts: 53003 },
      },
    );
  const deviceCode = { ...input, login: 'devicecode' as const };

  it('retries device code blocked by Conditional Access once in the browser, saying so in one line', async () => {
    const w = world();
    w.signInWith(async (_input, deps, flow) => {
      w.calls.push(`sign in (${flow})`);
      if (flow === 'devicecode') throw blocked();
      return entry('from-the-browser', deps.now());
    });
    assert.equal(tokenOf(await getToken(deviceCode, w.deps)), 'from-the-browser');
    assert.deepEqual(w.calls, [
      'lock',
      'load flows',
      'sign in (devicecode)',
      'sign in (browser)',
      'write from-the-browser',
      'unlock',
    ]);
    assert.deepEqual(w.said, [
      'kentra: a Conditional Access policy blocked the sign-in (AADSTS53003); retrying once with --login browser.',
    ]);
  });

  it('retries once only: a refused retry is the answer, and the failure is remembered', async () => {
    const w = world();
    w.signInWith(async (_input, _deps, flow) => {
      w.calls.push(`sign in (${flow})`);
      throw blocked();
    });
    await assert.rejects(getToken(deviceCode, w.deps), /AADSTS53003/);
    assert.deepEqual(
      w.calls.filter((call) => call.startsWith('sign in')),
      ['sign in (devicecode)', 'sign in (browser)'],
    );
    assert.ok(w.calls.some((call) => call.startsWith('record failure')));
  });

  it('does not retry where no browser can open, nor for other refusals', async () => {
    const headless = world({ browser: false });
    headless.signInWith(async (_input, _deps, flow) => {
      headless.calls.push(`sign in (${flow})`);
      throw blocked();
    });
    await assert.rejects(getToken(deviceCode, headless.deps), /AADSTS53003/);
    assert.deepEqual(
      headless.calls.filter((call) => call.startsWith('sign in')),
      ['sign in (devicecode)'],
    );
    assert.deepEqual(headless.said, []);

    const other = world();
    other.signInWith(async (_input, _deps, flow) => {
      other.calls.push(`sign in (${flow})`);
      throw new KentraError('auth.failed', 'sign-in failed: wrong user name or password (AADSTS50126)', {
        details: { aadsts: 50126 },
      });
    });
    await assert.rejects(getToken(deviceCode, other.deps), /AADSTS50126/);
    assert.deepEqual(
      other.calls.filter((call) => call.startsWith('sign in')),
      ['sign in (devicecode)'],
    );
  });
});
