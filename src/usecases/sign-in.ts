/**
 * The network half of get-token: silent refresh with the cached refresh token,
 * and the sign-in of each --login mode. Loaded only when the cache cannot
 * answer, because it pulls in msal-node and @azure/identity.
 *
 * - browser, devicecode: a person signs in through MSAL (adapters/entra/flows.ts);
 *   MSAL's cache, with the refresh token, rides in kentra's cache entry.
 * - azurecli, msi, workloadidentity, spn: an @azure/identity credential, built by
 *   the one credential adapter Graph access uses too (adapters/entra/credentials.ts).
 *   Only the access token is cached: the next miss asks the credential again, so
 *   `az` runs once per token, not once per kubectl command.
 */
import { readFile } from 'node:fs/promises';
import type { AuthorityConfig } from '../adapters/entra/applications.js';
import { type CredentialSpec, createCredential } from '../adapters/entra/credentials.js';
import {
  refreshWithCache,
  type StepUpRequest,
  signInWithBrowser,
  signInWithCredential,
  signInWithDeviceCode,
  type TokenResult,
} from '../adapters/entra/flows.js';
import { signInError } from '../adapters/entra/sign-in-errors.js';
import type { CacheEntry } from '../adapters/token-cache/entry.js';
import type { CacheKey } from '../adapters/token-cache/key.js';
import { aadstsCode, signInErrorFact } from '../domain/entra/sign-in-errors.js';
import { expectationProblems } from '../domain/exec-credential/expectations.js';
import { KentraError } from '../errors.js';
import {
  type GetTokenDeps,
  type GetTokenInput,
  type OpenedBrowser,
  prepare,
  type RefreshRefused,
} from './get-token-cache.js';
import { type LoginMode, scopesFor } from './sign-in-plan.js';

/** Refreshes silently; `refused` (with the reason) when the refresh token can no longer be used. */
export async function refresh(
  input: GetTokenInput,
  deps: GetTokenDeps,
  key: CacheKey,
  current: CacheEntry,
): Promise<CacheEntry | RefreshRefused> {
  if (!current.msalCache || !current.account) return { refused: 'the cached token has no refresh token' };
  const network: NetworkWatch = {};
  const config = await authorityConfig(input, deps, network);
  try {
    const result = await refreshWithCache(
      config,
      current.msalCache,
      current.account.homeAccountId,
      key.scopes,
    );
    return checked(toEntry(input, key, result, deps.now()), input, deps);
  } catch (error) {
    if (needsNewSignIn(error)) return { refused: refusalReason(error, network.lastErrorAnswer) };
    throw signInError(error, errorContext(input, network));
  }
}

/**
 * An access token for another resource (Microsoft Graph, for `kentra elevate` and
 * `kentra logout --revoke`) from a cached user sign-in's refresh token: Entra's
 * refresh tokens are multi-resource, so the sign-in kubectl uses serves Graph too,
 * for the same user. Silently, or, for a step-up (`claims`, `amr_values`) the
 * silent path cannot satisfy, through the same interactive flow the sign-in used.
 * Nothing is written to the token cache.
 */
export async function accessTokenFor(
  input: GetTokenInput,
  deps: GetTokenDeps,
  current: CacheEntry,
  scopes: string[],
  stepUp: StepUpRequest & { interactive?: boolean } = {},
): Promise<string> {
  const network: NetworkWatch = {};
  if (stepUp.interactive) {
    const config = await authorityConfig(input, deps, network);
    const { flow } = prepare(input, deps.env, await deps.browser.available());
    const loginHint = current.account?.username ?? input.loginHint;
    return (
      await attempt({ ...input, loginHint }, deps, flow, config, scopes, stepUp).catch((error: unknown) => {
        throw signInError(error, errorContext(input, network));
      })
    ).accessToken;
  }
  const { msalCache, account } = current;
  if (!msalCache || !account)
    throw new KentraError(
      'auth.interaction_required',
      'the cached token is not a user sign-in with a refresh token',
      { hint: 'Sign in as a person first (--login browser or devicecode).' },
    );
  const config = await authorityConfig(input, deps, network);
  try {
    return (await refreshWithCache(config, msalCache, account.homeAccountId, scopes, stepUp.claims))
      .accessToken;
  } catch (error) {
    if (needsNewSignIn(error))
      throw new KentraError('auth.interaction_required', 'a new sign-in is needed for this token', {
        cause: error,
      });
    throw signInError(error, errorContext(input, network));
  }
}

/** Why a refresh was refused, in a few words: Entra's AADSTS meaning when it is a known one. */
function refusalReason(error: unknown, entraAnswer: string | undefined): string {
  const code =
    aadstsCode(error instanceof Error ? error.message : String(error)) ?? aadstsCode(entraAnswer ?? '');
  const fact = signInErrorFact(code);
  return fact ? `${fact.summary} (AADSTS${code})` : 'the cached sign-in can no longer be refreshed';
}

export async function signIn(
  input: GetTokenInput,
  deps: GetTokenDeps,
  flow: LoginMode,
  key: CacheKey,
): Promise<CacheEntry> {
  const network: NetworkWatch = {};
  const config = await authorityConfig(input, deps, network);
  const result = await attempt(input, deps, flow, config, scopesFor(input, flow)).catch((error: unknown) => {
    throw signInError(error, errorContext(input, network));
  });
  const entry = checked(toEntry(input, key, result, deps.now()), input, deps);
  if (
    input.loginHint &&
    entry.account &&
    entry.account.username.toLowerCase() !== input.loginHint.toLowerCase()
  )
    deps.say(
      `kentra: warning: signed in as ${entry.account.username}, not ${input.loginHint} (--login-hint); the token is cached for ${input.loginHint}.`,
    );
  return entry;
}

/**
 * One sign-in through the chosen mode, within --timeout (a step-up adds its
 * claims and authorize parameters). A browser command that fails (Chromium
 * missing or crashing, a typo) can never finish the sign-in: it ends then,
 * with the reason, instead of waiting for the timeout.
 */
async function attempt(
  input: GetTokenInput,
  deps: GetTokenDeps,
  flow: LoginMode,
  config: AuthorityConfig,
  scopes: string[],
  stepUp: StepUpRequest = {},
): Promise<TokenResult> {
  let browserFailed: (error: KentraError) => void = () => {};
  const browserFailure = new Promise<never>((_, reject) => {
    browserFailed = reject;
  });
  browserFailure.catch(() => {}); // observed through the race below
  const flowResult = (async (): Promise<TokenResult> => {
    switch (flow) {
      case 'browser':
        return signInWithBrowser(config, {
          ...stepUp,
          scopes,
          loginHint: input.loginHint,
          port: input.listenPort,
          openBrowser: async (url) => {
            deps.say(`kentra: sign in to Entra in your browser. If no browser opens, visit:\n  ${url}`);
            try {
              const opened = await deps.browser.open(url, input.browserCommand);
              void failedOpener(opened, deps.say).then((error) => error && browserFailed(error));
            } catch (cause) {
              deps.say(
                `kentra: could not start a browser (${(cause as Error).message}); open the URL above yourself, ` +
                  'or use --login devicecode.',
              );
            }
          },
        });
      case 'devicecode':
        return signInWithDeviceCode(config, {
          scopes,
          timeoutSeconds: Math.ceil(input.timeoutMs / 1000),
          prompt: (message) => deps.say(`kentra: ${message}`),
          claims: stepUp.claims,
        });
      case 'azurecli':
      case 'msi':
      case 'workloadidentity':
      case 'spn':
        return signInWithCredential(
          createCredential(credentialSpec(flow, input, deps), {
            authorityHost: input.authorityHost,
            caPem: config.caPem,
          }),
          scopes,
        ).catch((error: unknown) => {
          throw credentialError(flow, input, error);
        });
    }
  })();
  return withDeadline(Promise.race([flowResult, browserFailure]), input.timeoutMs, deps.interrupted);
}

/**
 * Waits for the opener to end. A custom one (--browser-command, $BROWSER) that fails means no
 * browser will show the page: that is an error. The platform's opener failing only earns a
 * warning, since the person can still open the printed URL.
 */
async function failedOpener(
  opened: OpenedBrowser,
  say: (line: string) => void,
): Promise<KentraError | undefined> {
  const exit = await opened.exited;
  if (exit.signal === null && (exit.code ?? 0) === 0) return undefined;
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with status ${exit.code}`;
  if (!opened.custom) {
    say(`kentra: ${opened.command} ${how}; open the URL above yourself.`);
    return undefined;
  }
  return new KentraError('auth.failed', `the browser command ${how} before the sign-in finished`, {
    hint:
      'Check --browser-command (or $BROWSER): it runs with the sign-in URL as its last argument, ' +
      'and its own messages are above. Or sign in with --login devicecode.',
  });
}

/** Explains, once per new token, what the cluster will reject about it. */
function checked(entry: CacheEntry, input: GetTokenInput, deps: GetTokenDeps): CacheEntry {
  for (const problem of expectationProblems(entry.token, input.expect ?? {}))
    deps.say(`kentra: warning: ${problem}`);
  return entry;
}

function toEntry(input: GetTokenInput, key: CacheKey, result: TokenResult, now: number): CacheEntry {
  const token = input.tokenType === 'id' ? result.idToken : result.accessToken;
  const expiresAt = input.tokenType === 'id' ? result.idTokenExpiresAt : result.accessTokenExpiresAt;
  if (!token || expiresAt === undefined)
    // Seen with some refresh responses (int128/kubelogin#536): say so instead of caching nothing.
    throw new KentraError(
      'auth.failed',
      `Entra returned no ${input.tokenType === 'id' ? 'ID' : 'access'} token`,
      {
        hint:
          input.tokenType === 'id'
            ? 'Use --token-type access with --scope API/.default, and configure the cluster for that audience.'
            : 'Check --scope: it must name one resource, e.g. api://APP-ID/.default.',
      },
    );
  return {
    version: 1,
    key,
    token,
    obtainedAt: now,
    expiresAt,
    account: result.account,
    msalCache: result.msalCache,
  };
}

async function authorityConfig(
  input: GetTokenInput,
  deps: GetTokenDeps,
  network: NetworkWatch,
): Promise<AuthorityConfig> {
  let caPem: string | undefined;
  if (input.caFile) {
    try {
      caPem = await readFile(input.caFile, 'utf8');
    } catch (cause) {
      throw new KentraError('config.invalid', `--certificate-authority ${input.caFile} cannot be read`, {
        cause,
        hint: "Give the path of a PEM file with the CA that signed the authority's TLS certificate.",
      });
    }
  }
  return {
    authorityHost: input.authorityHost,
    tenant: input.tenant,
    clientId: input.clientId,
    caPem,
    log: deps.env.KENTRA_DEBUG === '1' ? deps.say : undefined,
    onNetworkFailure: (url, error) => {
      network.lastFailure = { url, error };
    },
    onErrorAnswer: (_url, description) => {
      network.lastErrorAnswer = description;
    },
  };
}

/**
 * Who signs in for the modes that need no person, and with what: the spn's
 * certificate (--client-certificate, else AZURE_CLIENT_CERTIFICATE_PATH) or secret
 * (AZURE_CLIENT_SECRET, never a flag: kubeconfigs get shared), the workload's
 * federated token file, the host's managed identity, or `az`'s signed-in account.
 */
function credentialSpec(
  flow: 'azurecli' | 'msi' | 'workloadidentity' | 'spn',
  input: GetTokenInput,
  deps: GetTokenDeps,
): CredentialSpec {
  const { env } = deps;
  const app = { tenantId: input.tenant, clientId: input.clientId };
  switch (flow) {
    case 'azurecli':
      return { kind: 'azure-cli', tenantId: input.tenant };
    case 'msi':
      return { kind: 'managed-identity', clientId: input.identityClientId };
    case 'workloadidentity': {
      const path = env.AZURE_FEDERATED_TOKEN_FILE;
      if (!path)
        throw new KentraError('config.invalid', 'AZURE_FEDERATED_TOKEN_FILE is not set', {
          hint: 'Workload identity needs the path of the projected service-account (or CI OIDC) token in AZURE_FEDERATED_TOKEN_FILE.',
        });
      return { kind: 'workload-identity', ...app, tokenFilePath: path };
    }
    case 'spn': {
      const certificate = input.clientCertificate ?? env.AZURE_CLIENT_CERTIFICATE_PATH;
      if (certificate)
        return {
          kind: 'client-certificate',
          ...app,
          path: certificate,
          password: env.AZURE_CLIENT_CERTIFICATE_PASSWORD,
        };
      const secret = env.AZURE_CLIENT_SECRET;
      if (!secret)
        throw new KentraError('config.invalid', 'no client certificate or secret for --login spn', {
          hint:
            'Give a certificate with --client-certificate FILE (PEM or PFX; password in AZURE_CLIENT_CERTIFICATE_PASSWORD), ' +
            'or the secret in AZURE_CLIENT_SECRET (never a flag: kubeconfigs get shared).',
        });
      return { kind: 'client-secret', ...app, secret };
    }
  }
}

/**
 * @azure/identity says "this credential cannot work here" with CredentialUnavailableError
 * (no `az`, `az` not signed in, no managed-identity endpoint): said per mode, with what to do.
 * Entra's refusals (AADSTS…) go on to signInError.
 */
function credentialError(flow: LoginMode, input: GetTokenInput, error: unknown): unknown {
  if (error instanceof KentraError || (error as Error)?.name !== 'CredentialUnavailableError') return error;
  const first = ((error as Error).message.split('\n')[0] ?? '').slice(0, 300);
  const hints: Partial<Record<LoginMode, string>> = {
    azurecli: `Sign in with \`az login --tenant ${input.tenant}\` (az must be on the PATH), or choose another --login.`,
    msi: 'A managed identity answers only on an Azure host (VM, App Service, Container Apps, Arc, AKS with pod identity); elsewhere choose another --login.',
  };
  return new KentraError('auth.failed', `--login ${flow} cannot sign in here: ${first}`, {
    cause: error,
    hint: hints[flow] ?? 'Run again with KENTRA_DEBUG=1 for the cause.',
  });
}

/** The last network failure of one attempt: MSAL hides it behind a generic error (see signInError). */
interface NetworkWatch {
  lastFailure?: { url: URL; error: Error };
  /** Entra's last error_description (never a token: Entra's error text names the problem). */
  lastErrorAnswer?: string;
}

function errorContext(input: GetTokenInput, network: NetworkWatch) {
  return {
    clientId: input.clientId,
    tenant: input.tenant,
    accessGroup: input.accessGroup,
    networkFailure: network.lastFailure,
    entraError: network.lastErrorAnswer,
  };
}

function needsNewSignIn(error: unknown): boolean {
  const { name, errorCode } = (error ?? {}) as { name?: string; errorCode?: string };
  return (
    name === 'InteractionRequiredAuthError' ||
    (error instanceof KentraError && error.code === 'auth.interaction_required') ||
    [
      'invalid_grant',
      'no_tokens_found',
      'interaction_required',
      'login_required',
      'consent_required',
    ].includes(errorCode ?? '')
  );
}

async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  interrupted: Promise<string>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KentraError('auth.timeout', `sign-in did not finish within ${Math.round(timeoutMs / 1000)}s`, {
            hint: 'Run kubectl again to retry; raise --timeout if you need longer.',
          }),
        ),
      timeoutMs,
    );
  });
  const stopped = interrupted.then((signal) => {
    throw new KentraError('auth.failed', `sign-in cancelled (${signal})`, { exitCode: 130 });
  });
  try {
    return await Promise.race([work, deadline, stopped]);
  } finally {
    clearTimeout(timer);
  }
}
