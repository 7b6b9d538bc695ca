/**
 * get-token's dependencies, built for a real process: the token cache under
 * $KUBECACHEDIR, its per-entry lock, the local browser and the MSAL-backed
 * sign-in flows. This file is on the cache-hit path (src/bin -> cli/get-token
 * -> here), so it imports statically only what a hit needs (the store and its
 * folder); the lock, the browser and MSAL are loaded when first used.
 */
import { tokenCacheDir } from '../adapters/token-cache/directory.js';
import { TokenCacheStore } from '../adapters/token-cache/store.js';
import type { CliContext } from '../ports/cli-context.js';
import type { GetTokenDeps } from '../usecases/get-token-cache.js';

/**
 * What the cache hit needs: the environment, the clock and the store. src/bin
 * bundles only this (esbuild drops getTokenDeps below, and with it the lazy
 * imports of the lock, the browser and MSAL; bench/get-token.ts checks it).
 */
export function cacheHitDeps(ctx: CliContext): Pick<GetTokenDeps, 'env' | 'now' | 'store'> {
  return { env: ctx.env, now: ctx.now, store: storeFor(ctx) };
}

/** The token cache: $KUBECACHEDIR/kentra, else ~/.kube/cache/kentra. */
export function storeFor(ctx: CliContext): TokenCacheStore {
  return new TokenCacheStore(tokenCacheDir(ctx.env));
}

export function getTokenDeps(ctx: CliContext): GetTokenDeps {
  const store = storeFor(ctx);
  // How a browser is found and opened depends on the platform: read here, at the one wiring point.
  const platform = process.platform;
  return {
    env: ctx.env,
    now: ctx.now,
    say: (line) => ctx.stderr.write(`${line}\n`),
    // A getter: the signal handlers behind it are installed only by a run that waits for a sign-in.
    get interrupted() {
      return ctx.interrupted;
    },
    store,
    lock: async (key, options) => {
      const { acquireLock } = await import('../adapters/token-cache/lock.js');
      return acquireLock(`${store.entryPath(key)}.lock`, options);
    },
    // The browser port: the platform, this environment and the file system (WSL detection,
    // which opener exists), read by the adapter when a sign-in needs a browser.
    browser: {
      available: async () => {
        const browser = await import('../adapters/browser.js');
        return browser.browserAvailable(browser.systemBrowserHost(ctx.env, platform));
      },
      open: async (url, command) => {
        const browser = await import('../adapters/browser.js');
        return browser.openUrl(url, browser.systemBrowserHost(ctx.env, platform), command);
      },
    },
    flows: () => import('../usecases/sign-in.js'),
  };
}
