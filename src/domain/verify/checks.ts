/**
 * The checks of `kentra verify`, in the order the chain is walked: Entra's
 * discovery, a fresh token, the API server's reading of it, the bindings, the
 * baseline. Each is a pure function of the gathered facts and returns one
 * line: pass, fail (with a fix hint) or skip (a fact it needs is missing
 * because an earlier link failed; that link's failure is reported already).
 */
import type { Change } from '../bindings/plan.js';
import { claimStrings, groupsOverageSummary, hasGroupsOverage } from '../entra/claims.js';
import type { Gathered, Problem, VerifyFacts } from './facts.js';
import { issuerVersion, versionMixUp } from './issuer.js';

export type CheckId =
  | 'issuer-discovery'
  | 'sign-in'
  | 'token-issuer'
  | 'audience'
  | 'policy'
  | 'token-accepted'
  | 'identity-mapping'
  | 'groups-claim'
  | 'bindings'
  | 'baseline'
  | 'rbac-risks'
  | 'jit-groups';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** One line: what was found. */
  readonly summary: string;
  /** Further lines (each finding, each drifted binding). */
  readonly details?: readonly string[];
  /** What to do about a failure. */
  readonly hint?: string;
}

type Check = (facts: VerifyFacts) => CheckResult;

const pass = (id: CheckId, title: string, summary: string, details?: string[]): CheckResult => ({
  id,
  title,
  status: 'pass',
  summary,
  ...(details && details.length > 0 ? { details } : {}),
});
const fail = (
  id: CheckId,
  title: string,
  summary: string,
  hint: string,
  details?: string[],
): CheckResult => ({
  id,
  title,
  status: 'fail',
  summary,
  hint,
  ...(details && details.length > 0 ? { details } : {}),
});
const skip = (id: CheckId, title: string, summary: string): CheckResult => ({
  id,
  title,
  status: 'skip',
  summary,
});
const failed = (id: CheckId, title: string, problem: Problem, fallbackHint: string): CheckResult =>
  fail(id, title, problem.message, problem.hint ?? fallbackHint);

function claimsOf(facts: VerifyFacts): Readonly<Record<string, unknown>> | undefined {
  return facts.token.ok ? facts.token.value : undefined;
}

const issuerDiscovery: Check = (facts) => {
  const id = 'issuer-discovery';
  const title = 'Issuer discovery';
  const configured = facts.authenticator.issuer;
  if (!facts.discovery.ok)
    return failed(
      id,
      title,
      facts.discovery.problem,
      'The API server fetches this document to find the signing keys: check tenant.issuer (and tenant.certificateAuthorityFile for a private CA).',
    );
  const { url, issuer } = facts.discovery.value;
  if (issuer === configured) return pass(id, title, `${url} names issuer ${configured}`);
  const found = typeof issuer === 'string' ? issuer : '(none)';
  return fail(
    id,
    title,
    `${url} names issuer ${found}, not the configured ${configured}.${versionMixUp(found, configured, 'The discovered issuer')}`,
    issuerVersion(configured) === 'v1' || issuerVersion(found) === 'v1'
      ? 'Entra ID tokens and v2 access tokens are issued by {authority}/{tenant}/v2.0: set tenant.issuer to that (or remove it: kentra derives it from app.tokenVersion), then re-render `kentra cluster config`.'
      : 'Set tenant.issuer to exactly the issuer the discovery document names (trailing slash included), then re-render `kentra cluster config`.',
  );
};

const signIn: Check = (facts) => {
  const id = 'sign-in';
  const title = 'Fresh token from Entra';
  if (!facts.token.ok)
    return failed(id, title, facts.token.problem, 'Sign in with `kentra get-token` to see the full error.');
  const claims = facts.token.value;
  const who =
    claimStrings(claims, 'preferred_username')[0] ??
    claimStrings(claims, 'upn')[0] ??
    claimStrings(claims, 'oid')[0] ??
    'an app';
  const exp =
    typeof claims.exp === 'number' ? `, valid until ${new Date(claims.exp * 1000).toISOString()}` : '';
  return pass(id, title, `signed in as ${who}${exp}`);
};

const tokenIssuer: Check = (facts) => {
  const id = 'token-issuer';
  const title = 'Token issuer';
  const claims = claimsOf(facts);
  if (!claims) return skip(id, title, 'no token');
  const configured = facts.authenticator.issuer;
  const iss = typeof claims.iss === 'string' ? claims.iss : '(none)';
  if (iss === configured) return pass(id, title, `iss ${iss} is the configured issuer`);
  const mixUp = versionMixUp(iss, configured, "The token's issuer");
  return fail(
    id,
    title,
    `the token's iss is ${iss} but the access file configures ${configured}.${mixUp}`,
    issuerVersion(iss) === 'v1'
      ? "This is a v1 token: set the app's accessTokenAcceptedVersion (requestedAccessTokenVersion) to 2, or sign in for an ID token (--token-type id)."
      : mixUp
        ? 'Set tenant.issuer to the issuer of the tokens (or remove it and set app.tokenVersion), then re-render `kentra cluster config` and install it.'
        : 'The token comes from another tenant or authority: check tenant.id and tenant.authority against the sign-in.',
  );
};

const audience: Check = (facts) => {
  const id = 'audience';
  const title = 'Token audience';
  const claims = claimsOf(facts);
  if (!claims) return skip(id, title, 'no token');
  const aud = claimStrings(claims, 'aud');
  const accepted = facts.authenticator.audiences;
  const match = aud.find((value) => accepted.includes(value));
  if (match) return pass(id, title, `aud ${match} is accepted by the access file`);
  const bare = (value: string) => value.replace(/^(api:\/\/|spn:)/, '').replace(/\/$/, '');
  const sameApp = aud.some((value) => accepted.some((each) => bare(each) === bare(value)));
  return fail(
    id,
    title,
    `the token's aud is ${aud.join(', ') || '(none)'} but the access file accepts ${accepted.join(', ')}`,
    sameApp
      ? 'Same app, other spelling (GUID vs api://GUID): add that form to app.audiences and re-render `kentra cluster config`.'
      : "The token is for another app: sign in with the access file's app.clientId (ID token), or request --scope <clientId>/.default with --token-type access.",
  );
};

const policy: Check = (facts) => {
  const id = 'policy';
  const title = 'Sign-in policy';
  const expected = facts.expected;
  if (!claimsOf(facts) || !expected) return skip(id, title, 'no token');
  if (expected.authenticated) {
    const rules = facts.authenticator.rules.map((rule) => rule.id);
    return pass(id, title, `the token satisfies the access file's rules (${rules.join(', ') || 'none'})`);
  }
  // Issuer and audience have their own lines; this one is about the claim rules and mappings.
  if (!expected.rule && !expected.reason.startsWith('claim mapping'))
    return skip(id, title, `not evaluated: ${expected.reason}`);
  return fail(
    id,
    title,
    `the access file's policy rejects this token: ${expected.reason}`,
    expected.rule === 'group-overage'
      ? 'See the groups-claim line.'
      : expected.rule === 'authentication-context'
        ? 'Sign in again so that Conditional Access steps up to the authentication context (get-token asks for it when the policy requires it).'
        : 'The API server enforces the same rule: this user cannot use the cluster until the token satisfies it.',
  );
};

const tokenAccepted: Check = (facts) => {
  const id = 'token-accepted';
  const title = 'API server accepts the token';
  if (!facts.review) return skip(id, title, 'no token');
  if (!facts.review.ok)
    return failed(id, title, facts.review.problem, 'Check the cluster connection (--kubeconfig, --context).');
  const review = facts.review.value;
  if (review.accepted) return pass(id, title, `authenticated as ${review.user.username}`);
  if (review.status === 401) {
    const expectedOk = facts.expected?.authenticated === true;
    return fail(
      id,
      title,
      `401 Unauthorized: the API server did not authenticate the token${expectedOk ? ', although it satisfies the access file' : ''}`,
      expectedOk
        ? "The cluster's authentication config differs from the access file (issuer URL, audience, issuer CA) or the API server cannot reach the issuer: render it again with `kentra cluster config --cluster " +
            `${facts.cluster}\` and install it; the API server logs the reason ("oidc: verify token").`
        : 'The lines above say what the token lacks; the cluster rejects it for the same reason.',
    );
  }
  if (review.status === 403)
    return fail(
      id,
      title,
      '403 Forbidden: the token was authenticated, but RBAC denies even a SelfSubjectReview',
      'Every authenticated user has selfsubjectreviews through the default ClusterRoleBinding system:basic-user: restore it (kubectl auth reconcile).',
    );
  return fail(
    id,
    title,
    `the API server answered ${review.status}: ${review.message}`,
    'Check the API server and its logs.',
  );
};

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}

const identityMapping: Check = (facts) => {
  const id = 'identity-mapping';
  const title = 'Username and group prefixes';
  const review = facts.review?.ok ? facts.review.value : undefined;
  if (!review?.accepted) return skip(id, title, 'the API server did not map the token');
  const expected = facts.expected;
  if (!expected?.authenticated) return skip(id, title, 'the access file does not accept the token');
  const actual = review.user;
  const want = expected.user;
  const problems: string[] = [];
  if (actual.username !== want.username)
    problems.push(`username is ${actual.username}, the access file maps ${want.username}`);
  // The API server adds system:authenticated itself.
  const actualGroups = actual.groups.filter((group) => group !== 'system:authenticated');
  if (!sameSet(actualGroups, want.groups)) {
    const missing = want.groups.filter((group) => !actualGroups.includes(group));
    const extra = actualGroups.filter((group) => !want.groups.includes(group));
    problems.push(
      `groups differ: ${[
        missing.length > 0 ? `expected but absent ${missing.join(', ')}` : '',
        extra.length > 0 ? `present but not expected ${extra.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }
  const privileged = actual.groups.filter((group) => group === 'system:masters');
  if (privileged.length > 0) problems.push('the user is in system:masters, which RBAC cannot restrict');
  if (problems.length > 0)
    return fail(
      id,
      title,
      problems.join('; '),
      `The cluster maps tokens differently from the access file (identity.username / identity.groups: prefix "${facts.usernamePrefix}" / "${facts.groupsPrefix}"): render \`kentra cluster config --cluster ${facts.cluster}\` again and install it, or fix the file.`,
    );
  return pass(
    id,
    title,
    `${actual.username} and ${actualGroups.length} group(s) with prefix "${facts.groupsPrefix}", as the access file maps them`,
  );
};

const groupsClaim: Check = (facts) => {
  const id = 'groups-claim';
  const title = 'Groups in the token';
  const claims = claimsOf(facts);
  if (!claims) return skip(id, title, 'no token');
  const claim = facts.groupsClaim;
  // Overage concerns the groups claim only; a mapping from `roles` is unaffected.
  if (claim === 'groups' && hasGroupsOverage(claims))
    return fail(
      id,
      title,
      groupsOverageSummary,
      'Emit only the groups assigned to the app (groupMembershipClaims: ApplicationGroup, then assign the groups that matter), map app roles instead (identity.groups.claim: roles), or resolve groups with the kentra webhook.',
    );
  const values = claims[claim];
  const inDirectory = facts.directoryGroupCount?.ok ? facts.directoryGroupCount.value : undefined;
  if (values === undefined && inDirectory === 0 && claim === 'groups')
    return pass(id, title, 'no groups in the token, and Entra agrees: the user is in no group');
  if (values === undefined)
    return fail(
      id,
      title,
      `the token has no "${claim}" claim: the user gets no group-based access`,
      claim === 'groups'
        ? inDirectory !== undefined
          ? `Entra says the user is in ${inDirectory} group(s): the app does not emit them. Set groupMembershipClaims (SecurityGroup or ApplicationGroup) in the app manifest (\`kentra entra setup\` does).`
          : 'Either the user is in no group (then this is expected), or the app does not emit groups: set groupMembershipClaims (SecurityGroup or ApplicationGroup) in the app manifest (`kentra entra setup` does). With a Microsoft Graph sign-in (--graph-auth), verify tells which.'
        : `Assign the user an app role so that "${claim}" is in the token.`,
    );
  return pass(id, title, `${claimStrings(claims, claim).length} value(s) in "${claim}"`);
};

function describeChange(change: Change): string {
  const object = 'desired' in change ? change.desired : change.current;
  const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
  const what = `${object.kind} ${where}${object.metadata.name}`;
  switch (change.action) {
    case 'create':
      return `missing: ${what}`;
    case 'update':
      return `changed: ${what} (${change.fields.join(', ')})`;
    case 'replace':
      return `changed: ${what} (roleRef ${change.current.roleRef.kind} ${change.current.roleRef.name}, declared ${change.desired.roleRef.kind} ${change.desired.roleRef.name})`;
    case 'delete':
      return `${change.reason === 'expired' ? 'expired' : 'not declared'}: ${what}`;
    default:
      return `${change.action}: ${what}`;
  }
}

const bindings: Check = (facts) => {
  const id = 'bindings';
  const title = 'Bindings match the access file';
  if (!facts.plan.ok)
    return failed(id, title, facts.plan.problem, 'Run `kentra rbac plan` for the full report.');
  const plan = facts.plan.value;
  if (plan.empty) return pass(id, title, `${plan.summary.unchanged} kentra-managed binding(s), none drifted`);
  const drifted = plan.changes.filter(
    (change) => change.action !== 'unchanged' && change.action !== 'orphan',
  );
  return fail(
    id,
    title,
    `${drifted.length} binding(s) differ from the access file`,
    `Review with \`kentra rbac plan --prune --cluster ${facts.cluster}\`, then \`kentra rbac apply --prune\` restores what the file declares.`,
    drifted.map(describeChange),
  );
};

const baselineChecks = new Set(['broad-baseline', 'modified-default']);

const baseline: Check = (facts) => {
  const id = 'baseline';
  const title = 'Users in no mapped group get only the defaults';
  if (!facts.risks.ok) return failed(id, title, facts.risks.problem, 'The RBAC objects could not be read.');
  const findings = facts.risks.value.filter(({ finding }) => baselineChecks.has(finding.check));
  if (findings.length === 0)
    return pass(
      id,
      title,
      'system:authenticated and system:unauthenticated have only the Kubernetes defaults',
    );
  return fail(
    id,
    title,
    `${findings.length} grant(s) beyond the Kubernetes defaults reach every signed-in or anonymous user`,
    findings[0]?.finding.hint ?? '',
    findings.map(({ finding }) => `${finding.check}: ${finding.message}`),
  );
};

const rbacRisks: Check = (facts) => {
  const id = 'rbac-risks';
  const title = 'No risky grants outside the access file';
  if (!facts.risks.ok) return failed(id, title, facts.risks.problem, 'The RBAC objects could not be read.');
  const others = facts.risks.value.filter(({ finding }) => !baselineChecks.has(finding.check));
  const undeclared = others.filter(({ declared }) => !declared);
  const declared = others
    .filter((each) => each.declared)
    .map(({ finding }) => `declared in the access file: ${finding.message}`);
  if (undeclared.length === 0)
    return pass(
      id,
      title,
      declared.length > 0
        ? `no cluster-admin, wildcard or risky grant outside the access file (${declared.length} declared in it)`
        : 'no cluster-admin, wildcard or risky grant outside the access file',
      declared,
    );
  return fail(
    id,
    title,
    `${undeclared.length} grant(s) outside the access file: ${[...new Set(undeclared.map(({ finding }) => finding.check))].join(', ')}`,
    'Move intended grants into the access file (then `kentra rbac apply`), remove the rest.',
    [...undeclared.map(({ finding }) => `${finding.check}: ${finding.message}`), ...declared],
  );
};

const jitGroups: Check = (facts) => {
  const id = 'jit-groups';
  const title = 'Just-in-time groups come only through PIM';
  if (!facts.jitGroups.ok)
    return failed(
      id,
      title,
      facts.jitGroups.problem,
      'Reading PIM needs Graph with PrivilegedEligibilitySchedule.Read.AzureADGroup, PrivilegedAssignmentSchedule.Read.AzureADGroup and RoleManagementPolicy.Read.AzureADGroup.',
    );
  const groups = facts.jitGroups.value;
  if (groups.length === 0) return pass(id, title, 'no rule for this cluster is marked jit');
  const unmanaged = groups.filter((g) => !g.pimManaged);
  const permanent = groups.filter((g) => g.permanentMembers.length > 0);
  const details = [
    ...unmanaged.map((g) => `${g.rule}: ${g.group} is not managed by PIM (no policy, nobody eligible)`),
    ...permanent.map(
      (g) =>
        `${g.rule}: ${g.group} has ${g.permanentMembers.length} permanent member(s): ${g.permanentMembers.join(', ')}`,
    ),
  ];
  if (details.length === 0)
    return pass(id, title, `${groups.length} jit group(s) are PIM-managed and have no permanent members`);
  return fail(
    id,
    title,
    `${unmanaged.length + permanent.length} of ${groups.length} jit group(s) grant access outside PIM`,
    "Onboard the group to PIM for Groups, make people eligible instead of members, and remove its permanent members (they keep the rule's rights at all times).",
    details,
  );
};

export const checks: readonly Check[] = [
  issuerDiscovery,
  signIn,
  tokenIssuer,
  audience,
  policy,
  tokenAccepted,
  identityMapping,
  groupsClaim,
  bindings,
  baseline,
  rbacRisks,
  jitGroups,
];

export function runChecks(facts: VerifyFacts): CheckResult[] {
  return checks.map((check) => check(facts));
}

/** A value gathered, or the problem met while gathering it. */
export function gathered<T>(value: T): Gathered<T> {
  return { ok: true, value };
}

export function problem<T>(message: string, hint?: string): Gathered<T> {
  return { ok: false, problem: { message, ...(hint ? { hint } : {}) } };
}
