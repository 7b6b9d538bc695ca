/**
 * Users that run int128/kubelogin (`kubectl oidc-login get-token
 * --oidc-issuer-url=… --oidc-client-id=…`, reference/aks-kubeconfig-shapes.md;
 * its README and docs/setup.md) against Entra ID, as `kentra get-token`
 * settings. Flags: int128/kubelogin pkg/cmd/get_token.go, authentication.go,
 * tls.go (reference/kubectl-credential-plugins.md §1.2).
 *
 * oidc-login hands kubectl the ID token by default, as kentra does; the
 * issuer URL gives kentra its tenant and authority, and is kept as
 * `--expect-issuer` so that get-token explains a token the cluster would
 * refuse (kentra's ID tokens come from the v2 endpoint).
 */
import { basename } from 'node:path';
import { authorityOf } from '../entra/clouds.js';
import { issuerShape } from '../entra/issuers.js';
import {
  type Conversion,
  type ConvertOverrides,
  leftOutNotes,
  type NotConverted,
  ownEntry,
  stringsOf,
} from './conversion.js';
import type { GetTokenSettings } from './get-token-settings.js';
import { type FlagTable, isTrue, lastValue, type PluginArgs, parsePluginArgs } from './plugin-args.js';

type Dict = Record<string, unknown>;

export const oidcLoginFlags: FlagTable = {
  flags: {
    'oidc-issuer-url': 'value',
    'oidc-client-id': 'value',
    'oidc-client-secret': 'value',
    'oidc-redirect-url': 'value',
    'oidc-extra-scope': 'csv-list',
    'oidc-use-access-token': 'bool',
    'oidc-request-header': 'list',
    'oidc-pkce-method': 'value',
    'oidc-use-pkce': 'bool',
    'oidc-auth-request-extra-params': 'list',
    'force-refresh': 'bool',
    'token-cache-dir': 'value',
    'token-cache-storage': 'value',
    'certificate-authority': 'list',
    'certificate-authority-data': 'list',
    'insecure-skip-tls-verify': 'bool',
    'tls-renegotiation-once': 'bool',
    'tls-renegotiation-freely': 'bool',
    'grant-type': 'value',
    'listen-address': 'csv-list',
    'skip-open-browser': 'bool',
    'browser-command': 'value',
    'authentication-timeout-sec': 'value',
    'local-server-cert': 'value',
    'local-server-key': 'value',
    'open-url-after-authentication': 'value',
    username: 'value',
    password: 'value',
    v: 'value',
  },
  short: { v: 'v' },
};

/** The exec args after `get-token`, when the user runs int128/kubelogin; undefined otherwise. */
export function oidcLoginArgs(user: Dict): string[] | undefined {
  const exec = user.exec;
  if (!exec || typeof exec !== 'object' || Array.isArray(exec)) return undefined;
  const { command } = exec as Dict;
  const args = stringsOf((exec as Dict).args);
  const name = typeof command === 'string' ? basename(command) : '';
  if (name === 'kubectl' && args[0] === 'oidc-login' && args[1] === 'get-token') return args.slice(2);
  const standalone = name === 'kubectl-oidc_login' || /kubelogin/i.test(name);
  if (standalone && args[0] === 'get-token' && args.some((arg) => arg.startsWith('--oidc-issuer-url')))
    return args.slice(1);
  return undefined;
}

/** oidc-login's grant types and the kentra --login mode that does the same (or the closest, with a note). */
const grants: Record<string, { login: string; note?: string }> = {
  auto: { login: 'auto' },
  authcode: { login: 'browser' },
  'device-code': { login: 'devicecode' },
  'client-credentials': { login: 'spn' },
  'authcode-keyboard': {
    login: 'devicecode',
    note: 'authcode-keyboard (paste the code) became device code: the closest sign-in without a browser here',
  },
  password: {
    login: 'auto',
    note: 'gap: kentra never signs in with a password (ROPC): converted to a browser or device-code sign-in',
  },
};

/** OIDC scopes kentra asks for by itself. */
const standardScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

export function convertOidcLoginUser(
  args: readonly string[],
  overrides: ConvertOverrides,
): Conversion | NotConverted {
  const parsed = parsePluginArgs(args, oidcLoginFlags);
  const issuer = lastValue(parsed, 'oidc-issuer-url');
  const clientId = overrides.clientId ?? lastValue(parsed, 'oidc-client-id');
  if (!issuer || !clientId) return { reason: 'no --oidc-issuer-url or --oidc-client-id' };
  const entra = entraIssuer(issuer);
  if (!entra) return { reason: `the issuer ${issuer} is not Entra ID (kentra signs in with Entra ID only)` };
  const notes = leftOutNotes(
    parsed,
    secretFlags,
    ignoredFlags,
    'kentra reads secrets from the environment at sign-in',
  );
  const grant = lastValue(parsed, 'grant-type') ?? (parsed.values.has('username') ? 'password' : 'auto');
  const mapped = ownEntry(grants, grant) ?? {
    login: 'auto',
    note: `unknown --grant-type ${grant}: converted to auto`,
  };
  if (mapped.note) notes.push(mapped.note);
  const access = isTrue(parsed, 'oidc-use-access-token');
  const scopes = (parsed.values.get('oidc-extra-scope') ?? []).filter((scope) => !standardScopes.has(scope));
  if (access && scopes.length === 0)
    notes.push(
      `an access token needs an API scope: kentra asks for ${clientId}/.default (add --scope to change it)`,
    );
  if (entra.version === 'v1' && !access)
    notes.push(
      'the cluster trusts the v1 issuer, but Entra ID tokens from kentra carry the v2 issuer: configure the cluster for the v2 issuer (get-token explains the mismatch)',
    );
  const settings: GetTokenSettings = {
    tenant: overrides.tenant ?? entra.tenant,
    clientId,
    authority: overrides.authority ?? entra.authority,
    tokenType: access ? 'access' : 'id',
    scopes,
    login: mapped.login,
    caFile: parsed.values.get('certificate-authority')?.[0],
    browserCommand: lastValue(parsed, 'browser-command'),
    listenPort: listenPortOf(parsed, notes),
    timeout: timeoutOf(parsed),
    expectIssuer: issuer,
    expectAudience: access ? undefined : clientId,
  };
  if ((parsed.values.get('certificate-authority')?.length ?? 0) > 1)
    notes.push('only the first --certificate-authority is kept (kentra takes one CA file)');
  return { from: 'oidc-login', mode: grant, settings, notes };
}

/**
 * Tenant and sign-in host of an Entra issuer (src/domain/entra/issuers.ts
 * `issuerShape`: v2 `{origin}/{tenant}/v2.0` on any origin, which is how the
 * kentra emulator serves it too; v1 on Entra's v1 hosts, or a GUID tenant on
 * another origin). A known cloud signs in on its preferred host; another
 * origin (the emulator) is its own authority.
 */
function entraIssuer(
  issuer: string,
): { tenant: string; authority: string; version: 'v1' | 'v2' } | undefined {
  const shape = issuerShape(issuer);
  if (!shape) return undefined;
  const authority = shape.cloud ? authorityOf(shape.cloud) : new URL(issuer).origin;
  return { tenant: shape.tenant, authority, version: shape.version };
}

function listenPortOf(parsed: PluginArgs, notes: string[]): number | undefined {
  const first = parsed.values.get('listen-address')?.[0];
  if (!first) return undefined;
  const port = Number(/:(\d+)$/.exec(first)?.[1]);
  if (!Number.isInteger(port)) return undefined;
  if ((parsed.values.get('listen-address')?.length ?? 0) > 1)
    notes.push(`--listen-address: kentra listens on the first port only (${port})`);
  return port;
}

function timeoutOf(parsed: PluginArgs): string | undefined {
  const seconds = lastValue(parsed, 'authentication-timeout-sec');
  return seconds && /^\d+$/.test(seconds) ? `${seconds}s` : undefined;
}

const secretFlags = ['oidc-client-secret', 'password'];
const ignoredFlags = [
  'oidc-redirect-url',
  'oidc-request-header',
  'oidc-pkce-method',
  'oidc-use-pkce',
  'oidc-auth-request-extra-params',
  'token-cache-dir',
  'token-cache-storage',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-renegotiation-once',
  'tls-renegotiation-freely',
  'skip-open-browser',
  'local-server-cert',
  'local-server-key',
  'open-url-after-authentication',
  'force-refresh',
  'username',
  'v',
];
