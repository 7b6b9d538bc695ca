/**
 * msal-node wiring: one PublicClientApplication (a person's sign-in) per
 * get-token run, or one ConfidentialClientApplication (the portal's own web
 * client, which signs people in with its secret), with kentra's network client and an
 * in-memory cache plugin whose contents kentra stores in its own token cache
 * entry (so one file per account holds the refresh token; MSAL never writes a
 * file of its own).
 */
import {
  ConfidentialClientApplication,
  type Configuration,
  type ICachePlugin,
  LogLevel,
  PublicClientApplication,
} from '@azure/msal-node';
import { isEntraLoginHost } from '../../domain/entra/clouds.js';
import { KentraError } from '../../errors.js';
import { createNetworkClient } from './network-client.js';

export interface AuthorityConfig {
  /** https://login.microsoftonline.com, or the emulator's https://127.0.0.1:PORT */
  authorityHost: string;
  tenant: string;
  clientId: string;
  caPem?: string;
  /** Debug lines (never tokens) go here; stderr when -v. */
  log?: (line: string) => void;
  /** See NetworkClientOptions.onFailure. */
  onNetworkFailure?: (url: URL, error: Error) => void;
  /** See NetworkClientOptions.onErrorAnswer. */
  onErrorAnswer?: (url: URL, description: string) => void;
}

/** Holds MSAL's serialized cache between calls; `contents` is what kentra persists. */
export class MemoryCachePlugin implements ICachePlugin {
  constructor(public contents: string | undefined) {}

  async beforeCacheAccess(context: Parameters<ICachePlugin['beforeCacheAccess']>[0]): Promise<void> {
    if (this.contents) context.tokenCache.deserialize(this.contents);
  }

  async afterCacheAccess(context: Parameters<ICachePlugin['afterCacheAccess']>[0]): Promise<void> {
    if (context.cacheHasChanged) this.contents = context.tokenCache.serialize();
  }
}

export function msalConfiguration(
  config: AuthorityConfig,
  cache: MemoryCachePlugin,
  clientSecret?: string,
): Configuration {
  const host = new URL(config.authorityHost);
  if (host.protocol !== 'https:')
    throw new KentraError('config.invalid', `--authority ${config.authorityHost} is not https`, {
      hint: 'Entra authorities (and MSAL) require https; use --certificate-authority for a private CA.',
    });
  const authority = `${host.origin}/${encodeURIComponent(config.tenant)}`;
  return {
    auth: {
      clientId: config.clientId,
      ...(clientSecret ? { clientSecret } : {}),
      authority,
      // msal-node accepts a non-Microsoft authority only when it is listed here
      // (host with port); it then skips instance discovery (Authority.ts). Entra's own hosts need no listing.
      knownAuthorities: isEntraLoginHost(host.hostname) ? [] : [host.host],
    },
    cache: { cachePlugin: cache },
    system: {
      networkClient: createNetworkClient({
        caPem: config.caPem,
        onFailure: config.onNetworkFailure,
        onErrorAnswer: config.onErrorAnswer,
      }),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (_level, message, containsPii) => {
          if (!containsPii) config.log?.(`msal: ${message}`);
        },
      },
    },
  };
}

export function publicApp(config: AuthorityConfig, cache: MemoryCachePlugin): PublicClientApplication {
  return new PublicClientApplication(msalConfiguration(config, cache));
}

/** A web app's sign-in (the portal): a confidential client with its own secret. */
export function confidentialApp(
  config: AuthorityConfig,
  cache: MemoryCachePlugin,
  clientSecret: string,
): ConfidentialClientApplication {
  return new ConfidentialClientApplication(msalConfiguration(config, cache, clientSecret));
}
