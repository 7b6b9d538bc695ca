/**
 * How kentra authenticates to Microsoft Graph for `kentra entra setup|check`,
 * with @azure/identity: an Azure CLI sign-in, a device code, an app's secret,
 * certificate or workload identity (federated token file) from the
 * environment, or a ready token (KENTRA_GRAPH_TOKEN). The environment is the
 * injected one, not process.env, so the credentials are built here rather
 * than with EnvironmentCredential (which reads process.env itself).
 *
 * The authority host is a setting (tenant.authority in kentra.yaml), so the
 * same code signs in against the local emulator. A private CA is trusted
 * through the pipeline option `tlsOptions.ca` that every credential accepts
 * (TokenCredentialOptions extends @azure/core-client's CommonClientOptions,
 * whose pipeline adds a TLS policy); TLS checks stay on.
 */
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { defaultAuthority, graphResourceFor } from '../../domain/entra/clouds.js';
import { azureCliClientId } from '../../domain/entra/well-known.js';
import { KentraError } from '../../errors.js';
import type { GraphAuthMode } from './graph-auth-modes.js';

export type { GraphAuthMode } from './graph-auth-modes.js';

export interface GraphCredentialOptions {
  mode: GraphAuthMode;
  /** Undefined: not known yet (the Azure CLI's own tenant, or any work account for a device code). */
  tenantId: string | undefined;
  /** e.g. https://login.microsoftonline.com, or the emulator's URL. */
  authorityHost: string;
  /** PEM of a private CA that signs the authority's TLS certificate (the emulator's). */
  caPem?: string;
  /** Graph base URL from kentra.yaml; decides the token's resource. */
  graphBaseUrl: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Public client for the device code flow (default: the Azure CLI's, as @azure/identity does). */
  deviceCodeClientId?: string;
  /** Where the device-code instructions go (stderr). */
  prompt: (message: string) => void;
  now: () => number;
}

export interface GraphCredential {
  /** The mode that was chosen (auto resolves to one of the others). */
  mode: Exclude<GraphAuthMode, 'auto'>;
  accessToken: () => Promise<string>;
}

/** Graph's `.default` scope for a Graph base URL (its cloud's Graph resource; domain/entra/clouds.ts). */
export function graphScope(graphBaseUrl: string): string {
  return `${graphResourceFor(graphBaseUrl)}/.default`;
}

/** Which credential `auto` picks, in the order a user expects: explicit token, app identity, the CLI. */
export function resolveMode(
  mode: GraphAuthMode,
  env: GraphCredentialOptions['env'],
): GraphCredential['mode'] {
  if (mode !== 'auto') return mode;
  if (env.KENTRA_GRAPH_TOKEN) return 'token';
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) return 'client-secret';
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_CERTIFICATE_PATH) return 'client-certificate';
  if (env.AZURE_CLIENT_ID && env.AZURE_FEDERATED_TOKEN_FILE) return 'workload-identity';
  return 'azure-cli';
}

function required(env: GraphCredentialOptions['env'], mode: string, names: readonly string[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new KentraError(
      'entra.auth',
      `--graph-auth ${mode} needs ${missing.join(', ')} in the environment`,
      {
        hint: 'Set them, or choose another --graph-auth (azure-cli, device-code, client-secret, client-certificate, workload-identity, token).',
      },
    );
  return names.map((name) => env[name] ?? '');
}

export function createGraphCredential(options: GraphCredentialOptions): GraphCredential {
  const { env } = options;
  const mode = resolveMode(options.mode, env);
  const tenantId = options.tenantId ?? (mode === 'device-code' ? 'organizations' : undefined);
  if (tenantId === undefined && mode !== 'azure-cli' && mode !== 'token')
    throw new KentraError(
      'entra.auth',
      `--graph-auth ${mode} needs the tenant: tenant.id in kentra.yaml is a placeholder`,
      {
        hint: 'Write your tenant ID into tenant.id, or sign in with --graph-auth azure-cli or device-code (kentra then writes the tenant it signed in to).',
      },
    );
  const scope = graphScope(options.graphBaseUrl);
  if (mode === 'token') {
    const [token] = required(env, mode, ['KENTRA_GRAPH_TOKEN']);
    return { mode, accessToken: async () => token ?? '' };
  }
  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const common = {
    authorityHost,
    // Instance discovery asks login.microsoftonline.com about the host; a private authority is known already.
    disableInstanceDiscovery: authorityHost !== defaultAuthority,
    ...(options.caPem ? { tlsOptions: { ca: options.caPem } } : {}),
  };
  let credential: TokenCredential;
  switch (mode) {
    case 'azure-cli':
      credential = new AzureCliCredential({ tenantId });
      break;
    case 'device-code':
      credential = new DeviceCodeCredential({
        ...common,
        tenantId,
        clientId: options.deviceCodeClientId ?? env.AZURE_CLIENT_ID ?? azureCliClientId,
        userPromptCallback: (info) => options.prompt(info.message),
      });
      break;
    case 'client-secret': {
      const [clientId, secret] = required(env, mode, ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);
      credential = new ClientSecretCredential(tenantId ?? '', clientId ?? '', secret ?? '', common);
      break;
    }
    case 'client-certificate': {
      const [clientId, certificatePath] = required(env, mode, [
        'AZURE_CLIENT_ID',
        'AZURE_CLIENT_CERTIFICATE_PATH',
      ]);
      credential = new ClientCertificateCredential(
        tenantId ?? '',
        clientId ?? '',
        certificatePath ?? '',
        common,
      );
      break;
    }
    case 'workload-identity': {
      const [clientId, tokenFilePath] = required(env, mode, [
        'AZURE_CLIENT_ID',
        'AZURE_FEDERATED_TOKEN_FILE',
      ]);
      credential = new WorkloadIdentityCredential({ ...common, tenantId, clientId, tokenFilePath });
      break;
    }
  }
  return { mode, accessToken: cachedToken(credential, scope, mode, options.now) };
}

/** One token per expiry: the Graph client asks before every request; the Azure CLI credential does not cache. */
function cachedToken(credential: TokenCredential, scope: string, mode: string, now: () => number) {
  let cached: { token: string; expiresOn: number } | undefined;
  return async () => {
    if (cached && cached.expiresOn - now() > 120_000) return cached.token;
    let token: Awaited<ReturnType<TokenCredential['getToken']>>;
    try {
      token = await credential.getToken(scope);
    } catch (cause) {
      throw new KentraError('entra.auth', `cannot get a Microsoft Graph token (--graph-auth ${mode})`, {
        cause,
        hint:
          mode === 'azure-cli'
            ? 'Sign in with `az login --tenant <tenant>`, or use --graph-auth device-code, or set AZURE_CLIENT_ID with AZURE_CLIENT_SECRET / AZURE_FEDERATED_TOKEN_FILE.'
            : 'Check the identity and the tenant (kentra.yaml tenant.id, tenant.authority); KENTRA_DEBUG=1 shows the cause.',
      });
    }
    if (!token) throw new KentraError('entra.auth', `no Microsoft Graph token from --graph-auth ${mode}`);
    cached = { token: token.token, expiresOn: token.expiresOnTimestamp };
    return cached.token;
  };
}
