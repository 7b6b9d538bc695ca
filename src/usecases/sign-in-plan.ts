/**
 * Pure decisions of a sign-in: which login mode, which scopes, which account. Kept
 * free of I/O (the architecture test holds it to domain's rules) so every branch is unit-tested with plain values.
 *
 * The modes carry the names Azure/kubelogin gives them (`kubelogin get-token -l MODE`,
 * Azure/kubelogin docs/book/src/concepts/login-modes/), so that a kubelogin user
 * recognises them; `--grant-type`, kentra's first spelling, is read as the mode it means.
 */
import type { Recovery } from '../domain/entra/sign-in-errors.js';
import { KentraError } from '../errors.js';

/** `kentra get-token --login MODE`: how a token is obtained. */
export const loginModes = ['browser', 'devicecode', 'azurecli', 'msi', 'workloadidentity', 'spn'] as const;
export type LoginMode = (typeof loginModes)[number];
/** A mode, or `auto`: kentra picks (the browser where one can open, device code where none can, CI credentials first). */
export type LoginChoice = LoginMode | 'auto';

/**
 * Other spellings of a mode: `--grant-type`'s values (kubeconfigs written before
 * `--login` existed keep working) and kubelogin's `interactive` for the browser.
 */
const loginAliases: Readonly<Record<string, LoginChoice>> = {
  authcode: 'browser',
  'device-code': 'devicecode',
  'client-credentials': 'spn',
  'workload-identity': 'workloadidentity',
  interactive: 'browser',
};

/** The mode a `--login` (or `--grant-type`) value names, or undefined when it names none. */
export function loginChoiceOf(value: string): LoginChoice | undefined {
  const lower = value.toLowerCase();
  if (lower === 'auto' || (loginModes as readonly string[]).includes(lower)) return lower as LoginChoice;
  return Object.hasOwn(loginAliases, lower) ? loginAliases[lower] : undefined;
}

export interface SignInSettings {
  authorityHost: string;
  tenant: string;
  /** The Kubernetes app: the audience of the token (ID token, or `<client>/.default`); the signing-in app for spn and workloadidentity. */
  clientId: string;
  /** `id`: the ID token (aud = client ID); `access`: an access token for `scopes`. */
  tokenType: 'id' | 'access';
  scopes: string[];
  loginHint?: string;
  login: LoginChoice;
  /** msi: a user-assigned managed identity's client ID (none: the system-assigned identity). */
  identityClientId?: string;
}

export interface Surroundings {
  browserAvailable: boolean;
  /** A --browser-command was given: the browser flow is wanted even without a display. */
  browserCommandGiven: boolean;
  clientSecret: boolean;
  federatedTokenFile: boolean;
}

export function chooseFlow(settings: SignInSettings, around: Surroundings): LoginMode {
  if (settings.login !== 'auto') return settings.login;
  // CI first: a pipeline that provides an app credential never wants a person's sign-in.
  if (around.federatedTokenFile) return 'workloadidentity';
  if (around.clientSecret) return 'spn';
  return around.browserAvailable || around.browserCommandGiven ? 'browser' : 'devicecode';
}

/** A person signs in (and may be prompted); every other mode is silent. */
export function isInteractive(flow: LoginMode): boolean {
  return flow === 'browser' || flow === 'devicecode';
}

/**
 * The one automatic retry after a refused sign-in, or none. Only device code refused
 * by Conditional Access's "authentication flows" condition (AADSTS53003) has another
 * flow that passes on this machine: the browser, when a person is there and a browser
 * can open (int128/kubelogin and Azure/kubelogin users hit this: Azure/kubelogin#199,
 * #653). The retry's own failure is final, so this never loops. A refused refresh is
 * not a retry: the sign-in after it is get-token's normal path.
 */
export function retryAfterRefusal(
  flow: LoginMode,
  recovery: Recovery | undefined,
  around: { interactive: boolean; browser: boolean },
): LoginMode | undefined {
  if (recovery === 'browser' && flow === 'devicecode' && around.interactive && around.browser)
    return 'browser';
  return undefined;
}

/** Modes whose token is an access token only (no ID token: no person signs in through kentra's app). */
export function yieldsAccessTokenOnly(login: LoginChoice): boolean {
  return login !== 'auto' && !isInteractive(login);
}

const oidcScopes = ['openid', 'profile', 'offline_access'];

/** The scopes to request: OIDC scopes for user tokens; `<client>/.default` when an access token is needed and none is named. */
export function scopesFor(settings: SignInSettings, flow: LoginMode): string[] {
  const named = settings.scopes.filter((scope) => !oidcScopes.includes(scope));
  if (yieldsAccessTokenOnly(flow)) {
    if (settings.tokenType === 'id')
      throw new KentraError('usage', `--login ${flow} yields an access token only`, {
        hint: 'Add --token-type access (and --scope API/.default), and configure the cluster for that audience.',
      });
    return named.length > 0 ? named : [`${settings.clientId}/.default`];
  }
  if (settings.tokenType === 'access' && named.length === 0) return [`${settings.clientId}/.default`];
  return named;
}

/**
 * Whose token it is, as the cache tells accounts apart: the app itself, a managed
 * identity (system-assigned, or user-assigned by client ID), the Azure CLI's
 * signed-in account, the login hint, or whoever signs in.
 */
export function accountFor(settings: SignInSettings, flow: LoginMode): string {
  switch (flow) {
    case 'spn':
    case 'workloadidentity':
      return 'app';
    case 'msi':
      return settings.identityClientId ? `msi:${settings.identityClientId}` : 'msi';
    case 'azurecli':
      return 'azurecli';
    case 'browser':
    case 'devicecode':
      return settings.loginHint ?? '';
  }
}
