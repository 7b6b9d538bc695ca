/**
 * EKS: `aws eks associate-identity-provider-config --cli-input-json file://...`.
 * EKS exposes the flag-equivalent surface only (no CEL, no extra), needs a
 * publicly reachable issuer with a publicly trusted certificate, and forbids
 * "system:" prefixes. Fields: https://docs.aws.amazon.com/cli/latest/reference/eks/associate-identity-provider-config.html
 */
import { type FlagsInput, lostWithoutCel } from './legacy-flags.js';

export interface EksIdentityProviderConfig {
  clusterName: string;
  oidc: {
    identityProviderConfigName: string;
    issuerUrl: string;
    clientId: string;
    usernameClaim: string;
    usernamePrefix: string;
    groupsClaim: string;
    groupsPrefix: string;
    requiredClaims: Record<string, string>;
  };
}

export function renderEksConfig(
  clusterName: string,
  input: Omit<FlagsInput, 'caFilePath'>,
): { config: EksIdentityProviderConfig; cannotExpress: string[] } {
  return {
    config: {
      clusterName,
      oidc: {
        identityProviderConfigName: 'kentra-entra',
        issuerUrl: input.issuer,
        clientId: input.clientId,
        usernameClaim: input.identity.username.claim,
        usernamePrefix: input.identity.username.prefix === '' ? '-' : input.identity.username.prefix,
        groupsClaim: input.identity.groups.claim,
        groupsPrefix: input.identity.groups.prefix,
        requiredClaims: { tid: input.policy.allowedTenants[0] ?? '' },
      },
    },
    cannotExpress: lostWithoutCel(input),
  };
}
