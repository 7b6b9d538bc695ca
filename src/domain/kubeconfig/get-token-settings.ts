/**
 * The `kentra get-token` arguments a kubeconfig user carries, written the same
 * way by `kentra kubeconfig` and `kentra kubeconfig convert`: one flag per
 * setting, defaults left out (so the entry stays short and a later default
 * applies), file paths absolute (kubectl runs the plugin from any folder).
 * The flags are get-token's own (src/usecases/get-token-args.ts reads them back;
 * this is its inverse, kept in the domain because the kubeconfig model writes it).
 */
import { isDefaultAuthority } from '../entra/clouds.js';

export interface GetTokenSettings {
  tenant: string;
  clientId: string;
  /** Authority host; left out when it is the public cloud's. */
  authority?: string;
  /** Absolute path of the PEM file with the authority's CA. */
  caFile?: string;
  tokenType?: 'id' | 'access';
  scopes?: readonly string[];
  loginHint?: string;
  /** get-token's --login mode (browser, devicecode, azurecli, msi, workloadidentity, spn); left out for auto. */
  login?: string;
  /** --login spn: absolute path of the PEM or PFX client certificate. */
  clientCertificate?: string;
  /** --login msi: a user-assigned managed identity's client ID. */
  identityClientId?: string;
  browserCommand?: string;
  listenPort?: number;
  /** A get-token duration, e.g. `90s`. */
  timeout?: string;
  accessGroup?: string;
  expectIssuer?: string;
  expectAudience?: string;
}

export function getTokenArgs(settings: GetTokenSettings): string[] {
  const args = ['--tenant', settings.tenant, '--client-id', settings.clientId];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') args.push(flag, String(value));
  };
  if (settings.authority && !isDefaultAuthority(settings.authority)) add('--authority', settings.authority);
  add('--certificate-authority', settings.caFile);
  if (settings.tokenType && settings.tokenType !== 'id') add('--token-type', settings.tokenType);
  for (const scope of settings.scopes ?? []) add('--scope', scope);
  add('--login-hint', settings.loginHint);
  if (settings.login && settings.login !== 'auto') add('--login', settings.login);
  add('--client-certificate', settings.clientCertificate);
  add('--identity-client-id', settings.identityClientId);
  add('--browser-command', settings.browserCommand);
  add('--listen-port', settings.listenPort);
  add('--timeout', settings.timeout);
  add('--access-group', settings.accessGroup);
  add('--expect-issuer', settings.expectIssuer);
  add('--expect-audience', settings.expectAudience);
  return args;
}
