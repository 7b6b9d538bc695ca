/**
 * Entra IDs that are the same in every tenant. The application IDs are
 * Microsoft first-party apps, listed in
 * https://learn.microsoft.com/troubleshoot/azure/active-directory/verify-first-party-apps-sign-in
 */

/** Microsoft Graph's application (resource) ID. */
export const microsoftGraphAppId = '00000003-0000-0000-c000-000000000000';

/**
 * The AKS-managed Entra integration's server app ("Azure Kubernetes Service
 * AAD Server"): AKS clusters accept tokens for this audience, checked by the
 * Guard webhook; it is validated as a v1 app (issuer https://sts.windows.net/{tid}/).
 * (azure-aks-docs managed-azure-ad.md; kubelogin's default --server-id.)
 */
export const aksServerAppId = '6dae42f8-4368-4678-94ff-3960e28e3630';

/**
 * The public client AKS and kubelogin sign people in with for that server app
 * ("Azure Kubernetes Service AAD Client"; Azure/kubelogin docs/book/src/concepts/aks.md,
 * the `--client-id` `az aks get-credentials` writes).
 */
export const aksClientAppId = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';

/**
 * The Azure CLI's public client ID ("Microsoft Azure CLI"): a first-party
 * client, so a device-code sign-in for Graph needs no app registration.
 */
export const azureCliClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
