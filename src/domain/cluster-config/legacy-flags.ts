/**
 * The legacy `--oidc-*` flags for clusters that cannot take
 * `--authentication-config` (older than 1.30, or a platform that only passes
 * flags), and, as plainly, what those flags cannot express.
 * Flags: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#configuring-the-api-server
 */
import type { AccessFile } from '../access/model.js';
import type { IdentitySettings } from '../identity/mapping.js';
import type { PolicySettings } from '../identity/policy.js';

export interface FlagsInput {
  issuer: string;
  clientId: string;
  extraAudiences: readonly string[];
  identity: IdentitySettings;
  policy: PolicySettings;
  /** Where the issuer's CA file will be on the API server's host, if the issuer needs one. */
  caFilePath?: string;
}

/** The flag renderers' input for an access file's tenant, app, identity and policy. */
export function flagsInputFor(file: AccessFile, clientId: string): Omit<FlagsInput, 'caFilePath'> {
  return {
    issuer: file.tenant.issuer,
    clientId,
    extraAudiences: file.app.audiences,
    identity: file.identity,
    policy: file.policy,
  };
}

export interface RenderedFlags {
  flags: string[];
  /** Each entry: something kentra.yaml asks for that the flags leave out. */
  cannotExpress: string[];
}

/** What the policy and mapping ask for that only structured authentication can enforce. */
export function lostWithoutCel(input: Omit<FlagsInput, 'caFilePath'>): string[] {
  const lost: string[] = [];
  const { identity, policy } = input;
  if (identity.extra.uti || identity.extra.sid)
    lost.push(
      'extra mappings (uti, sid): audit events will not carry the token and session ids, so `kentra audit` cannot join them exactly',
    );
  if (policy.allowedTenants.length > 1)
    lost.push(
      'several allowed tenants: a required claim matches one value only (tid is pinned to the first)',
    );
  if (policy.denyGuests) lost.push('denyGuests: guest accounts are not rejected');
  if (policy.requireMfa) lost.push('requireMfa: amr is a list and required claims compare strings only');
  if (policy.requireAuthenticationContext)
    lost.push('requireAuthenticationContext: acrs is a list and required claims compare strings only');
  if (policy.maxTokenAgeSeconds !== undefined) lost.push('maxTokenAge: token lifetime is not checked');
  if (policy.groupOverage === 'reject')
    lost.push(
      'groupOverage: overage tokens fail with an unclear distributed-claims error instead of a clear message',
    );
  else
    lost.push(
      'groupOverage no-groups: the flags try to resolve overage (distributed claims) and reject the token',
    );
  if (input.extraAudiences.length > 0) lost.push('more than one audience: only the client ID is accepted');
  lost.push(
    'reload: changing the flags needs an API server restart (the config file is reloaded automatically)',
  );
  return lost;
}

export function renderLegacyFlags(input: FlagsInput): RenderedFlags {
  const { identity, policy } = input;
  const flags = [
    `--oidc-issuer-url=${input.issuer}`,
    `--oidc-client-id=${input.clientId}`,
    `--oidc-username-claim=${identity.username.claim}`,
    // "-" switches prefixing off; an empty prefix would make the API server use "<issuer>#".
    `--oidc-username-prefix=${identity.username.prefix === '' ? '-' : identity.username.prefix}`,
    `--oidc-groups-claim=${identity.groups.claim}`,
    ...(identity.groups.prefix === '' ? [] : [`--oidc-groups-prefix=${identity.groups.prefix}`]),
    `--oidc-required-claim=tid=${policy.allowedTenants[0] ?? ''}`,
    '--oidc-signing-algs=RS256',
    ...(input.caFilePath ? [`--oidc-ca-file=${input.caFilePath}`] : []),
  ];
  return { flags, cannotExpress: lostWithoutCel(input) };
}
