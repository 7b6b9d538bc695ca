/**
 * `kentra entra check`: what is wrong with an app registration for
 * Kubernetes sign-in, each finding with the field, what breaks, and how to
 * fix it. Works on any app, not only the ones kentra created. The failure
 * modes are those that break Entra + Kubernetes most often (reference notes
 * cluster-auth.md §6 and entra-protocol.md §2-§3).
 */
import { defaultAuthority } from '../entra/clouds.js';
import { issuerTemplate } from '../entra/issuers.js';
import { microsoftGraphAppId } from '../entra/well-known.js';
import { loopbackRedirectUri } from './desired.js';
import {
  type Application,
  type AppRoleAssignment,
  graphDelegated,
  type ServicePrincipal,
} from './registration.js';

export type FindingCode =
  | 'group-claims-missing'
  | 'group-claims-all'
  | 'token-version'
  | 'offline-access-missing'
  | 'spa-redirect'
  | 'loopback-redirect-missing'
  | 'public-client-flows-disabled'
  | 'groups-scope'
  | 'multi-tenant'
  | 'implicit-grant'
  | 'service-principal-missing'
  | 'assignment-not-required'
  | 'no-assignments'
  | 'group-not-assigned'
  | 'group-unknown'
  | 'admin-group-not-role-assignable'
  | 'secret-expiring'
  | 'web-client-on-cluster-app'
  | 'cluster-app-credential'
  | 'web-client-not-allowed'
  | 'standing-admin';

export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning';
  /** The Graph property (or object) at fault. */
  field: string;
  message: string;
  hint: string;
}

export interface CheckInput {
  application: Application;
  servicePrincipal: ServicePrincipal | undefined;
  assignments: readonly AppRoleAssignment[];
  /** The token version the cluster expects (kentra.yaml app.tokenVersion), when known. */
  expectedTokenVersion?: 1 | 2;
  /** Scopes the sign-in client requests (e.g. from a kubeconfig), to catch `groups`. */
  requestedScopes?: readonly string[];
  /** Groups the access rules name, resolved; each must be assigned. */
  expectedGroups?: readonly { id: string; name: string }[];
  /** Groups the access rules name that Entra does not know (field: the rule's path). */
  unknownGroups?: readonly { field: string; message: string }[];
  /** Groups of rules granting admin-like rights (see isAdminLikeRule), with Graph's isAssignableToRole. */
  adminGroups?: readonly { field: string; name: string; isAssignableToRole: boolean | undefined }[];
  /** Rules that give a group cluster-admin-like rights (every verb on every resource), with its permanent members. */
  standingAdmins?: readonly StandingAdmin[];
  /** The app's federated identity credentials (names), when read. */
  federatedCredentials?: readonly { name: string }[];
  now: number;
}

/** What `kentra entra check` knows of the access file's web client (its own app registration). */
export interface WebClientCheckInput {
  application: Application;
  /** policy.allowedClientApps, when the file sets one (lower case). */
  allowedClientApps: readonly string[];
  /** Whether the file lets it request tokens for any cluster (app.web.clusters). */
  grantedClusters: readonly string[];
  now: number;
}

export interface StandingAdmin {
  /** `rules[3]`. */
  field: string;
  group: string;
  /** `ClusterRole cluster-admin cluster-wide`. */
  grant: string;
  /** Members there permanently (not through a PIM activation). */
  permanentMembers: number;
  /** True when PIM could not be read: every current member was counted. */
  approximate: boolean;
}

const isLoopback = (uri: string) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(uri);
const day = 86_400_000;

/** One concern of the registration: its findings, in the order a reader fixes them. */
type Check = (input: CheckInput) => Finding[];

export function checkRegistration(input: CheckInput): Finding[] {
  return checks.flatMap((check) => check(input));
}

const groupClaims: Check = ({ application: app }) => {
  if (app.groupMembershipClaims === null || app.groupMembershipClaims === 'None')
    return [
      {
        code: 'group-claims-missing',
        severity: 'error',
        field: 'groupMembershipClaims',
        message: 'tokens carry no groups claim, so no Entra group maps to any Kubernetes role',
        hint: 'Set groupMembershipClaims to SecurityGroup (or ApplicationGroup): `kentra entra setup`, or the portal: Token configuration > Add groups claim.',
      },
    ];
  if (app.groupMembershipClaims === 'All')
    return [
      {
        code: 'group-claims-all',
        severity: 'warning',
        field: 'groupMembershipClaims',
        message:
          'All puts distribution lists and Microsoft 365 groups in tokens too, so users reach the 200-group overage sooner',
        hint: 'Use SecurityGroup, or ApplicationGroup to emit only the groups assigned to the app.',
      },
    ];
  return [];
};

const tokenVersion: Check = ({ application: app, expectedTokenVersion: expected }) => {
  const version = app.api?.requestedAccessTokenVersion ?? null;
  const effective = version === 2 ? 2 : 1;
  if (expected !== undefined ? effective === expected : effective === 2) return [];
  return [
    {
      code: 'token-version',
      severity: expected !== undefined ? 'error' : 'warning',
      field: 'api.requestedAccessTokenVersion',
      message: `the app issues v${effective} access tokens (requestedAccessTokenVersion ${String(version)}): issuer ${issuerTemplate(effective === 1 ? 'v1' : 'v2', defaultAuthority)}${expected !== undefined ? `, but the cluster expects v${expected}` : ''}`,
      hint:
        expected === 1
          ? 'Set api.requestedAccessTokenVersion to null or 1, or app.tokenVersion: 2 in kentra.yaml (and re-render `kentra cluster config`).'
          : 'Set api.requestedAccessTokenVersion to 2 (manifest: accessTokenAcceptedVersion), or app.tokenVersion: 1 in kentra.yaml; the API server issuer must match the version.',
    },
  ];
};

const offlineAccess: Check = ({ application: app }) => {
  const graphScopes = (app.requiredResourceAccess ?? [])
    .filter((entry) => entry.resourceAppId === microsoftGraphAppId)
    .flatMap((entry) => entry.resourceAccess.map((item) => item.id.toLowerCase()));
  if (graphScopes.includes(graphDelegated.offline_access)) return [];
  return [
    {
      code: 'offline-access-missing',
      severity: 'warning',
      field: 'requiredResourceAccess',
      message:
        'the app does not ask for offline_access: without consent to it there is no refresh token, and users sign in again every hour (or are blocked where user consent is off)',
      hint: 'Add the delegated Microsoft Graph permissions openid, profile and offline_access, then grant admin consent (API permissions > Grant admin consent).',
    },
  ];
};

/** How kubectl's sign-in comes back: a loopback redirect of a public client, or device code. */
const cliSignIn: Check = ({ application: app }) => {
  const findings: Finding[] = [];
  const spaLoopback = (app.spa?.redirectUris ?? []).find(isLoopback);
  if (spaLoopback)
    findings.push({
      code: 'spa-redirect',
      severity: 'error',
      field: 'spa.redirectUris',
      message: `loopback URI ${spaLoopback} is registered as a single-page application: a CLI redeeming the code gets AADSTS9002327 (SPA codes may only be redeemed by cross-origin browser requests)`,
      hint: `Move it to "Mobile and desktop applications" (publicClient.redirectUris) as ${loopbackRedirectUri}.`,
    });
  const publicUris = app.publicClient?.redirectUris ?? [];
  if (!publicUris.some((uri) => uri.replace(/\/$/, '').toLowerCase() === loopbackRedirectUri))
    findings.push({
      code: 'loopback-redirect-missing',
      severity: 'error',
      field: 'publicClient.redirectUris',
      message: `no public-client redirect URI ${loopbackRedirectUri}: browser sign-in from kubectl (kentra get-token) fails with AADSTS50011 (redirect URI mismatch)`,
      hint: `Add ${loopbackRedirectUri} under "Mobile and desktop applications"; Entra ignores its port, as the CLI's port changes every time.`,
    });
  if (app.isFallbackPublicClient !== true)
    findings.push({
      code: 'public-client-flows-disabled',
      severity: 'warning',
      field: 'isFallbackPublicClient',
      message:
        'public client flows are off: device-code sign-in (kentra get-token --device-code, SSH sessions) fails with AADSTS7000218',
      hint: 'Set isFallbackPublicClient to true (Authentication > Allow public client flows: Yes).',
    });
  return findings;
};

const requestedScopes: Check = ({ requestedScopes: scopes = [] }) =>
  scopes.some((scope) => scope.toLowerCase() === 'groups')
    ? [
        {
          code: 'groups-scope',
          severity: 'error',
          field: 'scopes',
          message:
            'the client requests a "groups" scope, which Entra does not have: sign-in fails with AADSTS650053',
          hint: 'Remove "groups" from the requested scopes (e.g. kubelogin --oidc-extra-scope); groups come from groupMembershipClaims.',
        },
      ]
    : [];

const audience: Check = ({ application: app }) =>
  app.signInAudience === 'AzureADMyOrg'
    ? []
    : [
        {
          code: 'multi-tenant',
          severity: 'error',
          field: 'signInAudience',
          message: `signInAudience is ${app.signInAudience}: accounts from other tenants${
            app.signInAudience.includes('Personal') ? ' and personal Microsoft accounts' : ''
          } can obtain tokens with this audience`,
          hint: 'Set signInAudience to AzureADMyOrg (single tenant), and keep policy.allowedTenants in kentra.yaml.',
        },
      ];

const implicitGrant: Check = ({ application: app }) => {
  const implicit = app.web?.implicitGrantSettings;
  if (!implicit?.enableAccessTokenIssuance && !implicit?.enableIdTokenIssuance) return [];
  return [
    {
      code: 'implicit-grant',
      severity: 'warning',
      field: 'web.implicitGrantSettings',
      message:
        'implicit grant is on: tokens can be returned in URLs, and implicit-flow tokens carry at most 6 groups',
      hint: 'Turn off implicit grant (Authentication > Implicit grant and hybrid flows); kentra uses auth code + PKCE.',
    },
  ];
};

const secrets: Check = ({ application: app, now }) =>
  (app.passwordCredentials ?? []).flatMap((secret): Finding[] => {
    const end = secret.endDateTime ? Date.parse(secret.endDateTime) : Number.NaN;
    if (Number.isNaN(end) || end - now >= 30 * day) return [];
    const name = secret.displayName ?? secret.keyId;
    return [
      {
        code: 'secret-expiring',
        severity: end < now ? 'error' : 'warning',
        field: `passwordCredentials[${name}]`,
        message: `client secret ${name} ${end < now ? 'expired' : 'expires'} on ${new Date(end).toISOString().slice(0, 10)}`,
        hint: 'Add a new secret (on the web client: `kentra entra setup` with app.web.credential: secret after removing the old one), or use a federated credential.',
      },
    ];
  });

const unknownGroups: Check = ({ unknownGroups: unknown = [] }) =>
  unknown.map((group) => ({
    code: 'group-unknown',
    severity: 'error',
    field: group.field,
    message: group.message,
    hint: 'Fix the group in kentra.yaml (display name or object ID); nobody gets the access its rule grants.',
  }));

/** Who may obtain a token: the service principal, "assignment required", and the rules' groups assigned. */
/**
 * Owners of an ordinary group can add members to it: for a group that grants cluster admin, every
 * owner is an admin-maker. Only role administrators change a role-assignable group's members
 * (learn.microsoft.com/entra/identity/role-based-access-control/groups-concept).
 */
const adminGroups: Check = ({ adminGroups: groups = [] }) =>
  groups
    .filter((group) => group.isAssignableToRole !== true)
    .map((group) => ({
      code: 'admin-group-not-role-assignable',
      severity: 'warning',
      field: group.field,
      message: `the rule grants admin rights, and the owners of "${group.name}" can add members to it (not a role-assignable group)`,
      hint: 'Use a group created with isAssignableToRole: true (membership then needs Privileged Role Administrator), ideally with PIM for Groups.',
    }));

const assignments: Check = ({ servicePrincipal: sp, assignments: assigned, expectedGroups = [] }) => {
  if (!sp)
    return [
      {
        code: 'service-principal-missing',
        severity: 'error',
        field: 'servicePrincipal',
        message: 'the app has no service principal (enterprise application) in this tenant',
        hint: 'Create it (`kentra entra setup`, or `az ad sp create --id <appId>`), then require assignment.',
      },
    ];
  if (!sp.appRoleAssignmentRequired)
    return [
      {
        code: 'assignment-not-required',
        severity: 'warning',
        field: 'servicePrincipal.appRoleAssignmentRequired',
        message:
          'every user of the tenant can obtain a token for the cluster; only RBAC stands between them and it',
        hint: 'Set appRoleAssignmentRequired to true (Enterprise applications > Properties > Assignment required) and assign the groups the rules name.',
      },
    ];
  const findings: Finding[] = [];
  if (assigned.length === 0)
    findings.push({
      code: 'no-assignments',
      severity: 'error',
      field: 'servicePrincipal.appRoleAssignedTo',
      message: 'assignment is required but nobody is assigned: every sign-in fails with AADSTS50105',
      hint: 'Assign the groups of the access rules (`kentra entra setup`, or Enterprise applications > Users and groups).',
    });
  const principals = new Set(assigned.map((item) => item.principalId.toLowerCase()));
  for (const group of expectedGroups)
    if (!principals.has(group.id.toLowerCase()))
      findings.push({
        code: 'group-not-assigned',
        severity: 'error',
        field: 'servicePrincipal.appRoleAssignedTo',
        message: `group ${group.name} (${group.id}) is named in the access rules but not assigned: its members get AADSTS50105`,
        hint: 'Assign it (`kentra entra setup`, or Enterprise applications > Users and groups > Add).',
      });
  return findings;
};

/**
 * A cluster app is a public client (#14.7). With web redirect URIs it is also a web client: the
 * ID tokens a portal receives (and may log) name the cluster app as audience, so each is a cluster
 * credential; with a client secret or federated credential, whoever holds it gets app-only tokens
 * the cluster accepts. A web client gets an app of its own (app.web), automation too.
 */
const clusterAppIsConfidential: Check = ({ application: app, federatedCredentials = [] }) => {
  const findings: Finding[] = [];
  const webUris = app.web?.redirectUris ?? [];
  if (webUris.length > 0)
    findings.push({
      code: 'web-client-on-cluster-app',
      severity: 'error',
      field: 'web.redirectUris',
      message: `the cluster app is also a web client (${webUris.join(', ')}): the ID tokens that web client receives name the cluster app as audience, so every one of them (in its logs, its session store) works at the cluster`,
      hint: 'Give the web client an app of its own: keep it under app.web in kentra.yaml and run `kentra entra setup` (it registers the web client separately, moves its redirect URIs and credential there, and grants it the clusters app.web.clusters names); `kentra entra setup --dry-run` shows the requests.',
    });
  const credentials = [
    ...(app.passwordCredentials ?? []).map((secret) => `client secret ${secret.displayName ?? secret.keyId}`),
    ...federatedCredentials.map((credential) => `federated credential ${credential.name}`),
  ];
  if (credentials.length > 0)
    findings.push({
      code: 'cluster-app-credential',
      severity: 'warning',
      field: 'passwordCredentials',
      message: `the cluster app has a ${credentials.join(', ')}: whoever holds it gets app-only tokens whose audience is the cluster app`,
      hint: 'Remove it (App registrations > Certificates & secrets): a web client belongs under app.web (an app of its own), automation signs in as an app of its own with --scope <cluster app>/.default.',
    });
  return findings;
};

/** The access file's web client: its own app, and on the client allow-list when there is one. */
export function checkWebClient(input: WebClientCheckInput): Finding[] {
  const base: CheckInput = {
    application: input.application,
    servicePrincipal: undefined,
    assignments: [],
    now: input.now,
  };
  const findings = [audience(base), implicitGrant(base), secrets(base)].flat();
  const appId = input.application.appId.toLowerCase();
  if (
    input.grantedClusters.length > 0 &&
    input.allowedClientApps.length > 0 &&
    !input.allowedClientApps.includes(appId)
  )
    findings.push({
      code: 'web-client-not-allowed',
      severity: 'warning',
      field: 'policy.allowedClientApps',
      message: `the web client may request tokens for ${input.grantedClusters.join(', ')}, but policy.allowedClientApps does not list it: those clusters refuse its tokens (azp)`,
      hint: `Add ${input.application.appId} to policy.allowedClientApps (\`kentra entra setup\` does), then re-render \`kentra cluster config\`.`,
    });
  return findings;
}

/** Cluster-admin-like rights held by a group's permanent members: standing access nobody has to ask for. */
const standingAdmins: Check = ({ standingAdmins: admins = [] }) =>
  admins
    .filter((admin) => admin.permanentMembers > 0)
    .map((admin) => ({
      code: 'standing-admin' as const,
      severity: 'warning' as const,
      field: admin.field,
      message: `${admin.group} gets cluster-admin-like rights (${admin.grant}) and has ${admin.permanentMembers} permanent member(s)${admin.approximate ? ' (PIM not readable: every member counted)' : ''}: standing access nobody has to ask for`,
      hint: 'Make it just-in-time: onboard the group to PIM for Groups, make people eligible instead of members, remove the permanent members, and mark the rule `jit: true` (kentra verify then checks it; people use kentra elevate).',
    }));

const checks: readonly Check[] = [
  groupClaims,
  tokenVersion,
  offlineAccess,
  cliSignIn,
  requestedScopes,
  audience,
  implicitGrant,
  secrets,
  clusterAppIsConfidential,
  unknownGroups,
  adminGroups,
  assignments,
  standingAdmins,
];
