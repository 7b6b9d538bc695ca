/**
 * What the app registration for a cluster should look like, from the access
 * file: single tenant, a public client with the loopback redirect URI that
 * `kentra get-token` uses, group claims, optional claims, the token version,
 * the delegated permissions a sign-in needs, a service principal that only
 * assigned principals may get tokens for, and the groups the rules name.
 */
import type { AccessFile } from '../access/model.js';
import { isExpired } from '../access/model.js';
import { microsoftGraphAppId } from '../entra/well-known.js';
import {
  type FederatedCredential,
  graphDelegated,
  type OptionalClaim,
  type OptionalClaims,
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

/** The application properties kentra manages, as a Graph create/PATCH body. */
export interface DesiredApplication {
  displayName: string;
  signInAudience: 'AzureADMyOrg';
  isFallbackPublicClient: true;
  groupMembershipClaims: string;
  optionalClaims: OptionalClaims;
  api: { requestedAccessTokenVersion: 1 | 2 };
  publicClient: { redirectUris: string[] };
  spa: { redirectUris: string[] };
  web: { redirectUris: string[] };
  requiredResourceAccess: ResourceAccess[];
}

export interface DesiredRegistration {
  application: DesiredApplication;
  servicePrincipal: { appRoleAssignmentRequired: true };
  /** Groups to assign, as written in the rules (names or object IDs), distinct, in rule order. */
  groups: { written: string; ruleIndex: number }[];
  credential:
    | { kind: 'none' }
    | { kind: 'secret'; displayName: string }
    | { kind: 'federated'; federated: FederatedCredential };
}

function claim(name: string): OptionalClaim {
  return { name, source: null, essential: false, additionalProperties: [] };
}

export function desiredRegistration(file: AccessFile, now: number): DesiredRegistration {
  // sid joins audit events to sign-ins (identity.extra.sid); upn must be asked for in v2 tokens;
  // ipaddr (the sign-in address) is what policy.allowedNetworks checks, and v2 tokens carry it only on request.
  const names = [
    ...(file.identity.extra.sid ? ['sid'] : []),
    ...(file.identity.username.claim === 'upn' ? ['upn'] : []),
    ...(file.policy.allowedNetworks.length > 0 ? ['ipaddr'] : []),
  ];
  const groups: DesiredRegistration['groups'] = [];
  const seen = new Set<string>();
  for (const rule of file.rules) {
    if (isExpired(rule, now) || seen.has(rule.group.toLowerCase())) continue;
    seen.add(rule.group.toLowerCase());
    groups.push({ written: rule.group, ruleIndex: rule.index });
  }
  const web = file.app.web;
  return {
    application: {
      displayName: file.app.name,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: true,
      groupMembershipClaims: file.app.groupMembershipClaims,
      optionalClaims: { idToken: names.map(claim), accessToken: names.map(claim), saml2Token: [] },
      api: { requestedAccessTokenVersion: file.app.tokenVersion },
      publicClient: { redirectUris: [loopbackRedirectUri] },
      spa: { redirectUris: [] },
      web: { redirectUris: web?.redirectUris ?? [] },
      requiredResourceAccess: [
        {
          resourceAppId: microsoftGraphAppId,
          resourceAccess: Object.values(graphDelegated).map((id) => ({ id, type: 'Scope' as const })),
        },
      ],
    },
    servicePrincipal: { appRoleAssignmentRequired: true },
    groups,
    credential:
      web?.credential === 'secret'
        ? { kind: 'secret', displayName: webSecretName }
        : web?.credential === 'federated' && web.federatedCredential
          ? {
              kind: 'federated',
              federated: { ...web.federatedCredential, audiences: [tokenExchangeAudience] },
            }
          : { kind: 'none' },
  };
}
