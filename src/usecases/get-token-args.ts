/**
 * The arguments of `kentra get-token`: one flag table read by commander (help,
 * the full path in src/cli/get-token.ts), by `quickValues` (the cache hit,
 * before commander loads), and by node:util's parseArgs for the use cases that
 * read a kubeconfig user's exec args (whoami, verify, logout). Pure: flags in,
 * GetTokenInput out.
 */
import { createRequire } from 'node:module';
import { defaultAuthority } from '../domain/entra/clouds.js';
import { KentraError } from '../errors.js';
import type { GetTokenInput } from './get-token-cache.js';
import { type LoginChoice, loginChoiceOf, loginModes, yieldsAccessTokenOnly } from './sign-in-plan.js';

export interface Flag {
  value?: string;
  help: string;
  multiple?: true;
  default?: string;
  /** A one-letter spelling (commander and parseArgs; the cache hit reads long flags only). */
  short?: string;
}

/** The one table of get-token flags: commander (help, full path), quickValues (fast path) and parseArgs read it. */
export const getTokenFlags: Record<string, Flag> = {
  tenant: { value: 'id', help: 'Entra tenant ID (GUID) or verified domain (required)' },
  'client-id': { value: 'id', help: 'application (client) ID of the Kubernetes app in Entra (required)' },
  authority: {
    value: 'url',
    help: 'authority host; another host (the kentra emulator, a sovereign cloud) works the same',
    default: defaultAuthority,
  },
  'token-type': {
    value: 'id|access',
    help: 'hand kubectl the ID token (aud = client ID) or an access token for --scope (default: id; access for --login azurecli, msi, workloadidentity, spn)',
  },
  scope: {
    value: 'scope',
    help: 'scope to request (repeatable), e.g. api://APP-ID/.default',
    multiple: true,
  },
  'login-hint': { value: 'upn', help: 'the account to sign in with; also keeps accounts apart in the cache' },
  login: {
    value: 'mode',
    short: 'l',
    help:
      `how to sign in: ${loginModes.join(' | ')} (default: a CI credential from the environment, ` +
      'else the browser where one can open, else device code)',
  },
  'grant-type': {
    value: 'type',
    help: 'the older name of --login: auto | authcode | device-code | client-credentials | workload-identity',
  },
  'client-certificate': {
    value: 'file',
    help: '--login spn: PEM (certificate and key) or PFX file; its password in AZURE_CLIENT_CERTIFICATE_PASSWORD',
  },
  'identity-client-id': {
    value: 'id',
    help: '--login msi: client ID of a user-assigned managed identity (default: the system-assigned one)',
  },
  'certificate-authority': { value: 'file', help: "PEM file with the CA of the authority's TLS certificate" },
  'browser-command': { value: 'cmd', help: 'command that opens the sign-in URL (given as last argument)' },
  'listen-port': { value: 'port', help: 'fixed port of the loopback listener (default: a random free port)' },
  timeout: { value: 'duration', help: 'longest wait for a sign-in, e.g. 90s, 5m', default: '3m' },
  'access-group': { value: 'name', help: 'Entra group that grants access; named in "not assigned" errors' },
  'expect-issuer': {
    value: 'url',
    help: "the cluster's issuer URL; a token from another issuer is explained",
  },
  'expect-audience': {
    value: 'aud',
    help: "the cluster's audience; a token for another audience is explained",
  },
  'force-refresh': { help: 'ignore a cached token and get a new one (refresh token first)' },
};

export type Values = Record<string, string | string[] | boolean | undefined>;

/** Reads get-token arguments (as found in a kubeconfig user's exec.args) into the use case's input. */
export function parseGetTokenArgs(argv: readonly string[]): GetTokenInput {
  let values: Values;
  try {
    // node:util is loaded here, off the cache-hit path (see quickValues).
    const { parseArgs } = createRequire(import.meta.url)('node:util') as typeof import('node:util');
    values = parseArgs({ args: [...argv], options: parseArgsOptions(), strict: true }).values as Values;
  } catch (cause) {
    throw new KentraError('usage', `cannot read the get-token arguments: ${(cause as Error).message}`, {
      cause,
    });
  }
  return inputFrom(values);
}

/**
 * get-token's flags in the plain forms `kentra kubeconfig` writes (`--name value`,
 * `--name=value`, `--switch`), or undefined for anything else (--help, a short or
 * unknown flag, a positional, a value that starts with "-"), which then goes the
 * full way through commander. Where it answers, it answers what node:util's
 * parseArgs does (test/unit/usecases/get-token-args.test.ts compares the two);
 * it exists because loading node:util costs the compiled binary ~1.5 ms of its
 * ~7 ms cache hit (bench/get-token.ts).
 */
export function quickValues(argv: readonly string[]): Values | undefined {
  const values: Values = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (!arg.startsWith('--')) return undefined;
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    const flag = Object.hasOwn(getTokenFlags, name) ? getTokenFlags[name] : undefined;
    if (!flag) return undefined;
    if (!flag.value) {
      if (equals !== -1) return undefined;
      values[name] = true;
      continue;
    }
    const value = equals === -1 ? argv[++index] : arg.slice(equals + 1);
    if (value === undefined || (equals === -1 && value.startsWith('-'))) return undefined;
    values[name] = flag.multiple ? [...((values[name] as string[] | undefined) ?? []), value] : value;
  }
  return values;
}

export function parseArgsOptions() {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, flag] of Object.entries(getTokenFlags))
    options[name] = {
      ...(flag.multiple ? { type: 'string', multiple: true } : { type: flag.value ? 'string' : 'boolean' }),
      ...(flag.short ? { short: flag.short } : {}),
    };
  return options;
}

export function inputFrom(values: Values): GetTokenInput {
  const text = (name: string): string | undefined => {
    const value = values[name] ?? getTokenFlags[name]?.default;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const required = (name: string): string => {
    const value = text(name);
    if (!value)
      throw new KentraError('usage', `--${name} is required`, {
        hint: 'kentra kubeconfig writes these arguments for you; see `kentra get-token --help`.',
      });
    return value;
  };
  const login = loginOf(text('login'), text('grant-type'));
  const tokenType = text('token-type') ?? (yieldsAccessTokenOnly(login) ? 'access' : 'id');
  if (tokenType !== 'id' && tokenType !== 'access')
    throw new KentraError('usage', `--token-type must be "id" or "access", not "${tokenType}"`);
  const port = text('listen-port');
  const listenPort = port === undefined ? undefined : Number(port);
  if (listenPort !== undefined && !(Number.isInteger(listenPort) && listenPort >= 0 && listenPort < 65536))
    throw new KentraError('usage', `--listen-port must be a port number, not "${port}"`);
  const authority = required('authority');
  if (!URL.canParse(authority))
    throw new KentraError('usage', `--authority must be a URL such as ${defaultAuthority}`);
  const scopes = values.scope;
  return {
    tenant: required('tenant'),
    clientId: required('client-id'),
    authorityHost: authority,
    tokenType,
    scopes: Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? [scopes] : [],
    loginHint: text('login-hint'),
    login,
    clientCertificate: text('client-certificate'),
    identityClientId: text('identity-client-id'),
    caFile: text('certificate-authority'),
    browserCommand: text('browser-command'),
    listenPort,
    timeoutMs: durationMs(required('timeout'), '--timeout'),
    accessGroup: text('access-group'),
    expect: { issuer: text('expect-issuer'), audience: text('expect-audience') },
    forceRefresh: values['force-refresh'] === true,
  };
}

/** --login, or its older name --grant-type (both may be given when they agree); auto when neither. */
function loginOf(login: string | undefined, grantType: string | undefined): LoginChoice {
  const read = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const choice = loginChoiceOf(value);
    if (!choice)
      throw new KentraError(
        'usage',
        `${flag} must be one of auto, ${loginModes.join(', ')}, not "${value}"`,
        {
          hint: '--grant-type also takes its older values authcode, device-code, client-credentials, workload-identity.',
        },
      );
    return choice;
  };
  const fromLogin = read('--login', login);
  const fromGrantType = read('--grant-type', grantType);
  if (fromLogin && fromGrantType && fromLogin !== fromGrantType)
    throw new KentraError('usage', `--login ${login} and --grant-type ${grantType} disagree`, {
      hint: '--grant-type is the older name of --login: give one of them.',
    });
  return fromLogin ?? fromGrantType ?? 'auto';
}

export function durationMs(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match)
    throw new KentraError('usage', `${what} must be a duration such as 90s, 5m or 1h, not "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}
