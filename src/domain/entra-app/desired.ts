/**
 * What the app registrations of an access file should look like.
 *
 * A cluster app (`app`, or an environment's app; see domain/access/cluster-apps.ts): single
 * tenant, a public client with the loopback redirect URI that `kentra get-token` uses, group
 * claims, optional claims, the token version, the delegated permissions a sign-in needs, a service
 * principal that only assigned principals may get tokens for, and the groups of the rules that
 * reach its clusters. It is never a web client: no web redirect URI, no secret.
 *
 * The web client (`app.web`, e.g. a portal): an app of its own with the web redirect URIs and its
 * credential, so its ID tokens (audience: itself) are no cluster credential. A cluster app whose
 * clusters the file names in `app.web.clusters` exposes kentra's scope and pre-authorizes the web
 * client for it; no other cluster app does.
 */
import type { ClusterApp } from '../access/cluster-apps.js';
import { rulesFor } from '../access/cluster-apps.js';
import type { AccessFile, WebClientSpec } from '../access/model.js';
import { microsoftGraphAppId } from '../entra/well-known.js';
import {
  type FederatedCredential,
  graphDelegated,
  kentraScope,
  type OptionalClaim,
  type OptionalClaims,
  type PermissionScope,
  type ResourceAccess,
  tokenExchangeAudience,
} from './registration.js';

/**
 * Entra matches `http://localhost` redirect URIs for public clients on any
 * port (RFC 8252 loopback), which is what a CLI listening on a random port
 * needs (learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions).
 */
export const loopbackRedirectUri = 'http://localhost';

/** The display name of the client secret kentra adds for the web client. */
export const webSecretName = 'kentra-web';

/**
 * The application properties kentra manages, as a Graph create/PATCH body. A web client's body
 * has the first two and the last two only: kentra leaves its other properties alone.
 */
export interface DesiredApplication {
  displayName: string;
  signInAudience: 'AzureADMyOrg';
  isFallbackPublicClient?: true;
  groupMembershipClaims?: string;
  optionalClaims?: OptionalClaims;
  api?: { requestedAccessTokenVersion: 1 | 2 };
  publicClient?: { redirectUris: string[] };
  spa?: { redirectUris: string[] };
  web: { redirectUris: string[] };
  requiredResourceAccess: ResourceAccess[];
}

/**
 * kentra's delegated scope: on a cluster app, whether it is exposed and which web clients are
 * pre-authorized for it (exactly these); on the web client, the cluster apps whose scope it
 * requires (exactly these).
 */
export interface ScopeGrants {
  expose?: boolean;
  preAuthorized?: readonly string[];
  requiredOf?: readonly string[];
}

export type DesiredCredential =
  | { kind: 'none' }
  | { kind: 'secret'; displayName: string }
  | { kind: 'federated'; federated: FederatedCredential };

export interface DesiredRegistration {
  application: DesiredApplication;
  grants: ScopeGrants;
  /** Cluster apps: only assigned principals get tokens. The web client: left as it is. */
  servicePrincipal?: { appRoleAssignmentRequired: true };
  /** Groups to assign, as written in the rules (names or object IDs), distinct, in rule order. */
  groups: { written: string; ruleIndex: number }[];
  credential: DesiredCredential;
}

function claim(name: string): OptionalClaim {
  return { name, source: null, essential: false, additionalProperties: [] };
}

/** The delegated Graph permissions of a sign-in: openid, profile, offline_access, User.Read. */
function graphSignIn(): ResourceAccess {
  return {
    resourceAppId: microsoftGraphAppId,
    resourceAccess: Object.values(graphDelegated).map((id) => ({ id, type: 'Scope' as const })),
  };
}

/** kentra's scope as a cluster app exposes it. */
export function kentraPermissionScope(app: string): PermissionScope {
  return {
    id: kentraScope.id,
    value: kentraScope.value,
    type: 'User',
    isEnabled: true,
    adminConsentDisplayName: `Access the Kubernetes clusters of ${app} as the signed-in user`,
    adminConsentDescription: `Lets the app present the signed-in user's token to the Kubernetes clusters of ${app}.`,
    userConsentDisplayName: `Access Kubernetes (${app}) as you`,
    userConsentDescription: `Lets the app act for you on the Kubernetes clusters of ${app}.`,
  };
}

/** Whether the access file lets its web client request tokens for one of this app's clusters. */
export function grantsWebClient(file: AccessFile, app: ClusterApp): boolean {
  const granted = file.app.web?.clusters ?? [];
  return app.clusters.some((cluster) => granted.includes(cluster.name));
}

export function desiredClusterApp(
  file: AccessFile,
  app: ClusterApp,
  now: number,
  webClientId?: string,
): DesiredRegistration {
  // sid joins audit events to sign-ins (identity.extra.sid); upn must be asked for in v2 tokens;
  // ipaddr (the sign-in address) is what policy.allowedNetworks checks, and v2 tokens carry it only on request.
  const names = [
    ...(file.identity.extra.sid ? ['sid'] : []),
    ...(file.identity.username.claim === 'upn' ? ['upn'] : []),
    ...(file.policy.allowedNetworks.length > 0 ? ['ipaddr'] : []),
  ];
  const groups: DesiredRegistration['groups'] = [];
  const seen = new Set<string>();
  for (const rule of rulesFor(file, app, now)) {
    if (seen.has(rule.group.toLowerCase())) continue;
    seen.add(rule.group.toLowerCase());
    groups.push({ written: rule.group, ruleIndex: rule.index });
  }
  const granted = grantsWebClient(file, app);
  return {
    application: {
      displayName: app.displayName,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: true,
      groupMembershipClaims: file.app.groupMembershipClaims,
      optionalClaims: { idToken: names.map(claim), accessToken: names.map(claim), saml2Token: [] },
      api: { requestedAccessTokenVersion: file.app.tokenVersion },
      publicClient: { redirectUris: [loopbackRedirectUri] },
      spa: { redirectUris: [] },
      // A cluster app is never a web client (#14.7): app.web gets an app of its own.
      web: { redirectUris: [] },
      requiredResourceAccess: [graphSignIn()],
    },
    grants: {
      ...(granted ? { expose: true } : {}),
      preAuthorized: granted && webClientId ? [webClientId] : [],
    },
    servicePrincipal: { appRoleAssignmentRequired: true },
    groups,
    credential: { kind: 'none' },
  };
}

/**
 * The web client: its redirect URIs and credential, the Graph sign-in permissions, and kentra's
 * scope on each cluster app that grants it (`grantedAppIds`, the apps' client IDs).
 */
export function desiredWebClient(web: WebClientSpec, grantedAppIds: readonly string[]): DesiredRegistration {
  return {
    application: {
      displayName: web.name,
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: web.redirectUris },
      requiredResourceAccess: [
        graphSignIn(),
        ...grantedAppIds.map((resourceAppId) => ({
          resourceAppId,
          resourceAccess: [{ id: kentraScope.id, type: 'Scope' as const }],
        })),
      ],
    },
    grants: { requiredOf: grantedAppIds },
    groups: [],
    credential:
      web.credential === 'secret'
        ? { kind: 'secret', displayName: webSecretName }
        : web.credential === 'federated' && web.federatedCredential
          ? {
              kind: 'federated',
              federated: { ...web.federatedCredential, audiences: [tokenExchangeAudience] },
            }
          : { kind: 'none' },
  };
}
