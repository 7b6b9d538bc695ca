/**
 * How kentra authenticates to Microsoft Graph, for every command that reads or
 * writes it and for the webhook: one @azure/identity credential per
 * `--graph-auth` mode, built from the injected environment (the variables
 * @azure/identity documents: AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE;
 * KENTRA_GRAPH_TOKEN is the `token` mode). The environment is the injected one,
 * not process.env, so the credentials are built here rather than with
 * EnvironmentCredential or DefaultAzureCredential, which read process.env
 * themselves. Two exceptions are @azure/identity's own: managed identity reads
 * its endpoint variables (IDENTITY_ENDPOINT, ...) and the browser mode its
 * launcher (xdg-open, $BROWSER) from the process environment.
 *
 * The authority host is a setting (kentra.yaml tenant.authority), so the same
 * code signs in against the local emulator; the credentials themselves are
 * built by credentials.ts, which `kentra get-token`'s app and Azure CLI modes
 * share. docs/graph-auth.md describes the modes.
 */
import { ChainedTokenCredential, type TokenCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import { azureCliClientId } from '../../domain/entra/well-known.js';
import { KentraError } from '../../errors.js';
import { executableOnPath } from '../executables.js';
import { createCredential } from './credentials.js';
import type { GraphAuthMode, ResolvedGraphAuthMode } from './graph-auth-modes.js';

export type { GraphAuthMode, ResolvedGraphAuthMode } from './graph-auth-modes.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GraphCredentialOptions {
  mode: GraphAuthMode;
  /** Undefined: not known (the Azure CLI's own tenant, or any work account for an interactive sign-in). */
  tenantId: string | undefined;
  /** e.g. https://login.microsoftonline.com, or the emulator's URL. */
  authorityHost: string;
  /** PEM of a private CA that signs the authority's TLS certificate (the emulator's). */
  caPem?: string;
  env: Env;
  /** Public client for device-code and browser sign-in (default: the Azure CLI's). */
  clientId?: string;
  /** Where the device-code instructions go (stderr). */
  prompt: (message: string) => void;
  /** A person is at a terminal, so `auto` may end in a device-code sign-in. */
  interactive: boolean;
}

export interface GraphCredential {
  /** The modes tried, in order (`auto` resolves to one, or to the Azure CLI then a device code). */
  modes: ResolvedGraphAuthMode[];
  credential: TokenCredential;
}

/** Managed identity announces itself through these (App Service, Arc, Cloud Shell, ML, pod identity). */
const managedIdentityVariables = ['IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'AZURE_POD_IDENTITY_AUTHORITY_HOST'];

/**
 * What `auto` tries, decided by the environment alone (no network probe): an explicit token,
 * an app identity from AZURE_* variables, workload identity, an announced managed identity; then
 * the Azure CLI when `az` is installed, then a device code when a person is at a terminal.
 * An empty list: no Graph credential here.
 */
export function resolveModes(
  mode: GraphAuthMode,
  env: Env,
  context: { interactive: boolean; azureCliInstalled: boolean },
): ResolvedGraphAuthMode[] {
  if (mode !== 'auto') return [mode];
  if (env.KENTRA_GRAPH_TOKEN) return ['token'];
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) return ['client-secret'];
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_CERTIFICATE_PATH) return ['client-certificate'];
  if (env.AZURE_CLIENT_ID && env.AZURE_FEDERATED_TOKEN_FILE) return ['workload-identity'];
  if (managedIdentityVariables.some((name) => env[name])) return ['managed-identity'];
  return [
    ...(context.azureCliInstalled ? (['azure-cli'] as const) : []),
    ...(context.interactive ? (['device-code'] as const) : []),
  ];
}

/** Whether an `az` executable is on the environment's PATH (a stat per directory; nothing is run). */
export function azureCliOnPath(env: Env): boolean {
  return executableOnPath('az', env) !== undefined;
}

const modeHint =
  'Choose a --graph-auth mode whose inputs are set (docs/graph-auth.md): azure-cli, device-code, browser, ' +
  'client-secret, client-certificate, workload-identity, managed-identity, or token (KENTRA_GRAPH_TOKEN).';

function required(env: Env, mode: string, names: readonly string[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new KentraError(
      'entra.auth',
      `--graph-auth ${mode} needs ${missing.join(', ')} in the environment`,
      {
        hint: modeHint,
      },
    );
  return names.map((name) => env[name] ?? '');
}

/** A Graph credential for the mode, or undefined when `auto` finds none in this environment. */
export function createGraphCredential(
  options: GraphCredentialOptions,
  azureCliInstalled: (env: Env) => boolean = azureCliOnPath,
): GraphCredential | undefined {
  const modes = resolveModes(options.mode, options.env, {
    interactive: options.interactive,
    azureCliInstalled: options.mode === 'auto' && azureCliInstalled(options.env),
  });
  if (modes.length === 0) return undefined;
  const credentials = modes.map((mode) => credentialFor(mode, options));
  return {
    modes,
    credential:
      credentials.length === 1
        ? (credentials[0] as TokenCredential)
        : new ChainedTokenCredential(...credentials),
  };
}

function credentialFor(mode: ResolvedGraphAuthMode, options: GraphCredentialOptions): TokenCredential {
  const { env } = options;
  const needsTenant = (): string => {
    if (options.tenantId) return options.tenantId;
    throw new KentraError('entra.auth', `--graph-auth ${mode} needs the tenant`, {
      hint: 'Write your tenant ID into tenant.id in kentra.yaml, or set AZURE_TENANT_ID.',
    });
  };
  const authority = { authorityHost: options.authorityHost, caPem: options.caPem };
  const person = {
    tenantId: options.tenantId ?? 'organizations',
    clientId: options.clientId ?? azureCliClientId,
  };
  switch (mode) {
    case 'token': {
      const [token] = required(env, mode, ['KENTRA_GRAPH_TOKEN']);
      return fixedToken(token ?? '');
    }
    case 'azure-cli':
      return createCredential({ kind: 'azure-cli', tenantId: options.tenantId }, authority);
    case 'device-code':
      return createCredential({ kind: 'device-code', ...person, prompt: options.prompt }, authority);
    case 'browser':
      return createCredential({ kind: 'browser', ...person }, authority);
    case 'client-secret': {
      const [clientId = '', secret = ''] = required(env, mode, ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);
      return createCredential(
        { kind: 'client-secret', tenantId: needsTenant(), clientId, secret },
        authority,
      );
    }
    case 'client-certificate': {
      const [clientId = '', path = ''] = required(env, mode, [
        'AZURE_CLIENT_ID',
        'AZURE_CLIENT_CERTIFICATE_PATH',
      ]);
      return createCredential(
        {
          kind: 'client-certificate',
          tenantId: needsTenant(),
          clientId,
          path,
          password: env.AZURE_CLIENT_CERTIFICATE_PASSWORD,
        },
        authority,
      );
    }
    case 'workload-identity': {
      const [clientId = '', tokenFilePath = ''] = required(env, mode, [
        'AZURE_CLIENT_ID',
        'AZURE_FEDERATED_TOKEN_FILE',
      ]);
      return createCredential(
        { kind: 'workload-identity', tenantId: needsTenant(), clientId, tokenFilePath },
        authority,
      );
    }
    case 'managed-identity':
      // A user-assigned identity is chosen by AZURE_CLIENT_ID, as DefaultAzureCredential does.
      return createCredential({ kind: 'managed-identity', clientId: env.AZURE_CLIENT_ID }, authority);
  }
}

/** KENTRA_GRAPH_TOKEN as a credential: its own `exp` (when it is a JWT) says how long it lasts. */
function fixedToken(token: string): TokenCredential {
  let expiresOnTimestamp = Number.MAX_SAFE_INTEGER; // an opaque token: only Graph knows
  try {
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') expiresOnTimestamp = exp * 1000;
  } catch {
    // not a JWT
  }
  return { getToken: async () => ({ token, expiresOnTimestamp, tokenType: 'Bearer' }) };
}
