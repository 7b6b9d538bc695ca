/**
 * Pure decisions of a sign-in: which flow, which scopes, which account. Kept
 * free of I/O (the architecture test holds it to domain's rules) so every branch is unit-tested with plain values.
 */
import { KentraError } from '../errors.js';

export const grantTypes = [
  'auto',
  'authcode',
  'device-code',
  'client-credentials',
  'workload-identity',
] as const;
export type GrantType = (typeof grantTypes)[number];
export type Flow = 'authcode' | 'device-code' | 'client-credentials' | 'workload-identity';

export interface SignInSettings {
  authorityHost: string;
  tenant: string;
  clientId: string;
  /** `id`: the ID token (aud = client ID); `access`: an access token for `scopes`. */
  tokenType: 'id' | 'access';
  scopes: string[];
  loginHint?: string;
  grantType: GrantType;
}

export interface Surroundings {
  browserAvailable: boolean;
  /** A --browser-command was given: the browser flow is wanted even without a display. */
  browserCommandGiven: boolean;
  clientSecret: boolean;
  federatedTokenFile: boolean;
}

export function chooseFlow(settings: SignInSettings, around: Surroundings): Flow {
  switch (settings.grantType) {
    case 'authcode':
    case 'device-code':
    case 'client-credentials':
    case 'workload-identity':
      return settings.grantType;
    case 'auto':
      // CI first: a pipeline that provides an app credential never wants a person's sign-in.
      if (around.federatedTokenFile) return 'workload-identity';
      if (around.clientSecret) return 'client-credentials';
      return around.browserAvailable || around.browserCommandGiven ? 'authcode' : 'device-code';
  }
}

export function isAppFlow(flow: Flow): boolean {
  return flow === 'client-credentials' || flow === 'workload-identity';
}

const oidcScopes = ['openid', 'profile', 'offline_access'];

/** The scopes to request: OIDC scopes for user tokens; `<client>/.default` when an access token is needed and none is named. */
export function scopesFor(settings: SignInSettings, flow: Flow): string[] {
  const named = settings.scopes.filter((scope) => !oidcScopes.includes(scope));
  if (isAppFlow(flow)) {
    if (settings.tokenType === 'id')
      throw new KentraError('usage', `--grant-type ${flow} yields an access token only`, {
        hint: 'Add --token-type access (and --scope API/.default), and configure the cluster for that audience.',
      });
    return named.length > 0 ? named : [`${settings.clientId}/.default`];
  }
  if (settings.tokenType === 'access' && named.length === 0) return [`${settings.clientId}/.default`];
  return named;
}

/** Whose token it is, as the cache tells accounts apart: the app itself, the login hint, or whoever signs in. */
export function accountFor(settings: SignInSettings, flow: Flow): string {
  return isAppFlow(flow) ? 'app' : (settings.loginHint ?? '');
}
