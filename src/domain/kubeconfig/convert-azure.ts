/**
 * Users that `az aks get-credentials` writes, and that Azure/kubelogin
 * rewrites, as `kentra get-token` settings.
 *
 * Shapes (reference/aks-kubeconfig-shapes.md):
 * - exec: `kubelogin get-token --environment AzurePublicCloud --server-id
 *   6dae42f8-… --client-id 80faf920-… --tenant-id T --login devicecode`
 *   (Azure/kubelogin pkg/internal/token/options.go `AddFlags` has the flags and
 *   shorthands: -l, -t, -e, -s);
 * - the legacy `auth-provider: {name: azure, config: {apiserver-id, client-id,
 *   tenant-id, environment, config-mode}}` (Azure/kubelogin
 *   pkg/internal/converter/convert.go reads the same keys; `config-mode` "" or
 *   "0" is the retired AAD v1 integration, kubelogin's `--legacy`).
 *
 * kubelogin asks for the scope `<server-id>/.default` in every mode
 * (pkg/internal/token/execCredentialPlugin.go `GetScope`): kentra asks for the
 * same access token (`--token-type access --scope <server-id>/.default`), so the
 * cluster sees the same audience. Each -l mode becomes the --login mode of the
 * same name; ropc (a password) has none and becomes a browser or device-code
 * sign-in, with a note saying so.
 */

import { authorityOf, chinaCloud, type EntraCloud, publicCloud, usGovernmentCloud } from '../entra/clouds.js';
import { aksClientAppId } from '../entra/well-known.js';
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

export const azureKubeloginFlags: FlagTable = {
  flags: {
    login: 'value',
    'client-id': 'value',
    'client-secret': 'value',
    'client-certificate': 'value',
    'client-certificate-password': 'value',
    username: 'value',
    password: 'value',
    'identity-resource-id': 'value',
    'server-id': 'value',
    'federated-token-file': 'value',
    'authority-host': 'value',
    'azure-pipelines-service-connection-id': 'value',
    'token-cache-dir': 'value',
    'cache-dir': 'value',
    'tenant-id': 'value',
    subscription: 'value',
    environment: 'value',
    'redirect-url': 'value',
    'login-hint': 'value',
    'pop-claims': 'value',
    timeout: 'value',
    v: 'value',
    legacy: 'bool',
    'use-azurerm-env-vars': 'bool',
    'pop-enabled': 'bool',
    'disable-environment-override': 'bool',
    'disable-instance-discovery': 'bool',
  },
  short: { l: 'login', t: 'tenant-id', e: 'environment', s: 'subscription', v: 'v' },
};

/**
 * kubelogin's `--environment` names (pkg/internal/token/options.go
 * `GetCloudConfiguration`; upper-cased as it compares them) and their clouds.
 * AzureStackCloud has no fixed host: `--authority` is needed.
 */
const environments: Record<string, EntraCloud> = {
  AZURECLOUD: publicCloud,
  AZUREPUBLIC: publicCloud,
  AZUREPUBLICCLOUD: publicCloud,
  AZUREUSGOVERNMENT: usGovernmentCloud,
  AZUREUSGOVERNMENTCLOUD: usGovernmentCloud,
  AZURECHINACLOUD: chinaCloud,
};

/** Flags whose values are secrets: dropped, never copied into the new entry or a message. */
const secretFlags = ['client-secret', 'client-certificate-password', 'password'];

/** Flags that mean nothing to kentra (cache places, PoP, env-var switches): left out, said once. */
const ignoredFlags = [
  'token-cache-dir',
  'cache-dir',
  'use-azurerm-env-vars',
  'disable-environment-override',
  'disable-instance-discovery',
  'subscription',
  'pop-enabled',
  'pop-claims',
  'identity-resource-id',
  'username',
  'azure-pipelines-service-connection-id',
  'v',
];

export function isAzureAuthProvider(user: Dict): boolean {
  return isDict(user['auth-provider']) && user['auth-provider'].name === 'azure';
}

/** An exec user running Azure/kubelogin (kubelogin's own test: the command contains "kubelogin"). */
export function isAzureKubelogin(user: Dict): boolean {
  const exec = user.exec;
  if (!isDict(exec) || typeof exec.command !== 'string') return false;
  const args = stringsOf(exec.args);
  return (
    /kubelogin/i.test(exec.command) && args[0] === 'get-token' && !args.some((a) => a.startsWith('--oidc-'))
  );
}

export function convertAzureUser(user: Dict, overrides: ConvertOverrides): Conversion | NotConverted {
  if (isAzureAuthProvider(user)) {
    const config = (user['auth-provider'] as Dict).config;
    const get = (key: string) =>
      isDict(config) && typeof config[key] === 'string' ? config[key] : undefined;
    const mode = get('config-mode');
    return fromKubelogin(
      {
        login: 'devicecode',
        serverId: get('apiserver-id'),
        clientId: get('client-id'),
        tenant: get('tenant-id'),
        environment: get('environment'),
        legacy: mode === undefined || mode === '' || mode === '0',
      },
      overrides,
      'azure-auth-provider',
      ['the cached tokens of the azure auth-provider were removed from the file'],
    );
  }
  const parsed = parsePluginArgs(stringsOf((user.exec as Dict).args).slice(1), azureKubeloginFlags);
  const notes = leftOutNotes(
    parsed,
    secretFlags,
    ignoredFlags,
    'kentra reads secrets from the environment at sign-in',
  );
  return fromKubelogin(
    {
      login: lastValue(parsed, 'login') ?? 'devicecode',
      serverId: lastValue(parsed, 'server-id'),
      clientId: lastValue(parsed, 'client-id'),
      tenant: lastValue(parsed, 'tenant-id'),
      environment: lastValue(parsed, 'environment'),
      authorityHost: lastValue(parsed, 'authority-host'),
      legacy: isTrue(parsed, 'legacy'),
      loginHint: lastValue(parsed, 'login-hint'),
      clientCertificate: lastValue(parsed, 'client-certificate'),
      parsed,
    },
    overrides,
    'azure-kubelogin',
    notes,
  );
}

interface ModePlan {
  /** kentra get-token's --login mode (`auto`: browser or device code, as kentra picks). */
  login: string;
  /**
   * Whose client ID goes to --client-id: the entry's, required (`own`: the app that signs in);
   * the entry's else the AKS public client (`person`); or the server app, the token's audience
   * (`server`: the modes where kubelogin's --client-id names no app kentra signs in as).
   */
  client: 'own' | 'person' | 'server';
  /** kubelogin's --client-id names a user-assigned managed identity (kentra: --identity-client-id). */
  identityFromClientId?: true;
  /** kubelogin's --client-certificate is carried over (kentra: --client-certificate). */
  certificate?: true;
  note?: string;
  gap?: string;
  /** Notes for flags of the entry that kentra leaves out. */
  flagNotes?: Record<string, string>;
}

/** kubelogin's -l modes (Azure/kubelogin docs/book/src/concepts/login-modes/) and kentra get-token's --login for each. */
const modes: Record<string, ModePlan> = {
  devicecode: { login: 'devicecode', client: 'person' },
  interactive: {
    login: 'browser',
    client: 'person',
    flagNotes: {
      'redirect-url': '--redirect-url left out: kentra listens on a loopback port of its own (--listen-port)',
    },
  },
  spn: {
    login: 'spn',
    client: 'own',
    certificate: true,
    note:
      'the service principal signs in with --client-certificate when the entry names one (its password from ' +
      'AZURE_CLIENT_CERTIFICATE_PASSWORD), else the secret in AZURE_CLIENT_SECRET (AAD_SERVICE_PRINCIPAL_CLIENT_SECRET is not read)',
  },
  workloadidentity: {
    login: 'workloadidentity',
    client: 'own',
    flagNotes: {
      'federated-token-file':
        '--federated-token-file left out: kentra reads the token file from AZURE_FEDERATED_TOKEN_FILE',
    },
  },
  azurecli: {
    login: 'azurecli',
    client: 'server',
    note: "az's signed-in account is used (`az account get-access-token`); kentra caches its token, so az runs once per token",
  },
  msi: {
    login: 'msi',
    client: 'server',
    identityFromClientId: true,
    flagNotes: {
      'identity-resource-id':
        'gap: a managed identity chosen by --identity-resource-id is not a kentra sign-in: give its client ID with --identity-client-id',
    },
  },
  ropc: {
    login: 'auto',
    client: 'person',
    gap: 'gap: kentra never signs in with a password (ROPC): converted to a browser or device-code sign-in',
  },
};

interface KubeloginSettings {
  login: string;
  serverId?: string;
  clientId?: string;
  tenant?: string;
  environment?: string;
  authorityHost?: string;
  legacy: boolean;
  loginHint?: string;
  clientCertificate?: string;
  parsed?: PluginArgs;
}

function authorityFor(cloud: EntraCloud | undefined): string | undefined {
  return cloud && authorityOf(cloud);
}

function fromKubelogin(
  k: KubeloginSettings,
  overrides: ConvertOverrides,
  from: Conversion['from'],
  notes: string[],
): Conversion | NotConverted {
  const mode = k.login.toLowerCase();
  const tenant = overrides.tenant ?? k.tenant;
  if (!k.serverId)
    return { reason: 'no --server-id (the AKS server app): kubelogin could not run it either' };
  if (!tenant)
    return {
      reason: `kubelogin -l ${mode} without --tenant-id reads it from the environment at run time; pass --tenant`,
    };
  const authority =
    overrides.authority ??
    k.authorityHost ??
    authorityFor(ownEntry(environments, (k.environment ?? 'AzurePublicCloud').toUpperCase()));
  if (!authority)
    return { reason: `environment ${k.environment} has no known sign-in host; pass --authority` };
  if (k.legacy)
    notes.push(
      'legacy AAD (v1) integration: kubelogin asked for an spn: audience; kentra asks for the server app itself, which AKS-managed Entra clusters accept',
    );
  const plan = ownEntry(modes, mode) ?? {
    login: 'auto',
    client: 'person',
    gap: `gap: kubelogin -l ${mode} has no kentra equivalent: converted to a browser or device-code sign-in`,
  };
  const serverScope = k.serverId.replace(/\/+$/, '');
  const serverApp = serverScope.replace(/\/\.default$/, '');
  const clientId =
    overrides.clientId ??
    (plan.client === 'server' ? serverApp : k.clientId) ??
    (plan.client === 'person' ? aksClientAppId : undefined);
  if (!clientId)
    return {
      reason: `kubelogin -l ${mode} without --client-id reads it from the environment; pass --client-id`,
    };
  if (plan.client === 'person' && !k.clientId && !overrides.clientId)
    notes.push(`no --client-id: the AKS public client ${aksClientAppId} is used`);
  const settings: GetTokenSettings = {
    tenant,
    clientId,
    authority,
    tokenType: 'access',
    scopes: [serverScope.endsWith('/.default') ? serverScope : `${serverScope}/.default`],
    loginHint: k.loginHint,
    login: plan.login,
    ...(plan.identityFromClientId && k.clientId ? { identityClientId: k.clientId } : {}),
    ...(plan.certificate && k.clientCertificate ? { clientCertificate: k.clientCertificate } : {}),
  };
  for (const [flag, note] of Object.entries(plan.flagNotes ?? {}))
    if (k.parsed?.values.has(flag)) notes.push(note);
  if (plan.note) notes.push(plan.note);
  if (plan.gap) notes.push(plan.gap);
  return { from, mode, settings, notes };
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
