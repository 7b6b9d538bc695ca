/**
 * AKS does not accept Entra ID as an external OIDC issuer: its structured
 * authentication preview explicitly excludes Entra. AKS takes Entra only
 * through its managed integration, where the Guard webhook authenticates
 * tokens for the AKS server app and hands Kubernetes the user's UPN and the
 * raw group object IDs (no prefix). kentra supports AKS in that mode: it
 * writes the RBAC bindings for raw group IDs and leaves sign-in policy to
 * Conditional Access. Sources: azure-aks-docs concepts-identity.md,
 * external-identity-provider-authentication-overview.md; kubeguard/guard.
 */
import { aksServerAppId } from '../entra/well-known.js';
/** Group subjects on AKS are the bare object IDs Guard returns. */
export const aksGroupPrefix = '';

export interface AksGuide {
  explanation: string[];
  commands: string[];
}

export function renderAksGuide(options: {
  clusterName: string;
  tenantId: string;
  adminGroupIds: string[];
}): AksGuide {
  return {
    explanation: [
      'AKS does not let you point its API server at Entra ID as an OIDC issuer (its structured-authentication',
      'preview excludes Entra). AKS accepts Entra only through its managed integration: tokens are issued for the',
      `AKS server app ${aksServerAppId} and checked by AKS itself (the Guard webhook), which gives Kubernetes`,
      "the user's UPN and the raw group object IDs.",
      'So on AKS, kentra:',
      '  - does not render an AuthenticationConfiguration (nothing to install);',
      '  - writes RBAC bindings for the bare group object IDs (`kentra rbac apply` does this for kind: aks);',
      '  - cannot enforce kentra.yaml policy in the cluster: put MFA / guest / location rules into a Conditional',
      '    Access policy that targets "Azure Kubernetes Service Microsoft Entra Server";',
      '  - cannot add uti/sid to audit events (Guard adds only the oid).',
    ],
    commands: [
      `az aks update --resource-group <RESOURCE_GROUP> --name ${options.clusterName} --enable-aad --aad-tenant-id ${options.tenantId}` +
        (options.adminGroupIds.length > 0
          ? ` --aad-admin-group-object-ids ${options.adminGroupIds.join(',')}`
          : ''),
      `az aks get-credentials --resource-group <RESOURCE_GROUP> --name ${options.clusterName}`,
      `kentra rbac apply --cluster ${options.clusterName}`,
    ],
  };
}
