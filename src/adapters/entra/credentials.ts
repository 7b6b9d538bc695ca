/**
 * The one place kentra builds @azure/identity credentials, for Microsoft Graph
 * (`--graph-auth`, graph-credential.ts) and for the cluster
 * (`kentra get-token --login azurecli|msi|workloadidentity|spn`, usecases/sign-in.ts):
 * each caller decides *which* identity from its own flags and environment, and
 * this module turns that into a credential the same way for both.
 *
 * The authority host is a setting (the emulator, a sovereign cloud); a private
 * CA is trusted through the pipeline option `tlsOptions.ca` that every
 * credential accepts (TokenCredentialOptions extends @azure/core-client's
 * CommonClientOptions); TLS checks stay on. Two inputs are read by
 * @azure/identity from the process environment itself: the managed-identity
 * endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER, MSI_ENDPOINT,
 * AZURE_POD_IDENTITY_AUTHORITY_HOST, IMDS_ENDPOINT) and `az` (PATH,
 * AZURE_CONFIG_DIR), so those follow the process, as they do for Azure SDKs.
 */
import { readFile } from 'node:fs/promises';
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { defaultAuthority as publicAuthority } from '../../domain/entra/clouds.js';
import { KentraError } from '../../errors.js';
import { readPkcs12 } from '../pkcs12.js';

/** Who signs in, and with what. */
export type CredentialSpec =
  /** The account of `az login` (`az account get-access-token`); tenant: az's default when absent. */
  | { kind: 'azure-cli'; tenantId?: string }
  | { kind: 'device-code'; tenantId: string; clientId: string; prompt: (message: string) => void }
  | { kind: 'browser'; tenantId: string; clientId: string }
  | { kind: 'client-secret'; tenantId: string; clientId: string; secret: string }
  /** A PEM file (certificate and key) or a PKCS #12 file (.pfx/.p12); the password for either. */
  | { kind: 'client-certificate'; tenantId: string; clientId: string; path: string; password?: string }
  /** A token of another issuer that a federated credential of the app trusts (re-read on every request). */
  | { kind: 'workload-identity'; tenantId: string; clientId: string; tokenFilePath: string }
  /** The host's managed identity: system-assigned, or user-assigned by client ID. */
  | { kind: 'managed-identity'; clientId?: string };

export interface CredentialAuthority {
  /** e.g. https://login.microsoftonline.com, or the emulator's URL. */
  authorityHost: string;
  /** PEM of a private CA that signs the authority's TLS certificate (the emulator's). */
  caPem?: string;
}

export function createCredential(spec: CredentialSpec, authority: CredentialAuthority): TokenCredential {
  const authorityHost = authority.authorityHost.replace(/\/+$/, '') || publicAuthority;
  const tls = authority.caPem ? { tlsOptions: { ca: authority.caPem } } : {};
  const common = {
    authorityHost,
    // Instance discovery asks login.microsoftonline.com about the host; a private authority is known already.
    disableInstanceDiscovery: authorityHost !== publicAuthority,
    ...tls,
  };
  switch (spec.kind) {
    case 'azure-cli':
      return new AzureCliCredential(spec.tenantId ? { tenantId: spec.tenantId } : {});
    case 'device-code':
      return new DeviceCodeCredential({
        ...common,
        tenantId: spec.tenantId,
        clientId: spec.clientId,
        userPromptCallback: (info) => spec.prompt(info.message),
      });
    case 'browser':
      return new InteractiveBrowserCredential({
        ...common,
        tenantId: spec.tenantId,
        clientId: spec.clientId,
      });
    case 'client-secret':
      return new ClientSecretCredential(spec.tenantId, spec.clientId, spec.secret, common);
    case 'client-certificate':
      return certificateCredential(spec, common);
    case 'workload-identity':
      return new WorkloadIdentityCredential({
        ...common,
        tenantId: spec.tenantId,
        clientId: spec.clientId,
        tokenFilePath: spec.tokenFilePath,
      });
    case 'managed-identity':
      return new ManagedIdentityCredential({ ...(spec.clientId ? { clientId: spec.clientId } : {}), ...tls });
  }
}

/**
 * A certificate credential read on first use: PEM as it is (an encrypted key with its
 * password), PKCS #12 converted to PEM in memory (src/adapters/pkcs12.ts), told apart by
 * content rather than by file name.
 */
function certificateCredential(
  spec: Extract<CredentialSpec, { kind: 'client-certificate' }>,
  options: ConstructorParameters<typeof ClientCertificateCredential>[3],
): TokenCredential {
  let built: Promise<TokenCredential> | undefined;
  const build = async (): Promise<TokenCredential> => {
    let file: Buffer;
    try {
      file = await readFile(spec.path);
    } catch (cause) {
      throw new KentraError('config.invalid', `the client certificate ${spec.path} cannot be read`, {
        cause,
        hint: 'Give a PEM file with the certificate and its private key, or a PFX (.pfx/.p12) file.',
      });
    }
    if (file.includes('-----BEGIN'))
      return new ClientCertificateCredential(
        spec.tenantId,
        spec.clientId,
        {
          certificate: file.toString('utf8'),
          ...(spec.password !== undefined ? { certificatePassword: spec.password } : {}),
        },
        options,
      );
    const { certificatePem, privateKeyPem } = readPkcs12(file, spec.password);
    return new ClientCertificateCredential(
      spec.tenantId,
      spec.clientId,
      { certificate: `${privateKeyPem}${certificatePem}` },
      options,
    );
  };
  return {
    getToken: async (scopes, getTokenOptions) => {
      built ??= build();
      return (await built).getToken(scopes, getTokenOptions);
    },
  };
}
