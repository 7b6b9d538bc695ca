/**
 * `kentra elevate`: just-in-time group membership through PIM for Groups,
 * made effective for kubectl at once.
 *
 *   options ─ what the signed-in user is eligible for, among the groups the
 *             access file maps, with what each grants on each cluster
 *   activate ─ selfActivate (policy read first: an MFA or authentication
 *             context step-up is asked for before Entra refuses) ─► approval?
 *             ─► Graph lists the membership ─► the cluster's cached token is
 *             refreshed until it carries the group ─► when it ends
 *   status / end ─ active and pending elevations; selfDeactivate + refresh
 *
 * Every Graph call is the user's own (delegated): PIM self-activation acts for
 * the signed-in user and cannot be done by an app (see user-graph.ts).
 */
import { decodeJwt } from 'jose';
import type { GraphClient } from '../adapters/graph/client.js';
import { GraphRequestError } from '../adapters/graph/client.js';
import {
  groupPolicy,
  isMember,
  myEligibility,
  myMemberships,
  myRequests,
  requestById,
  signedInUser,
  submitRequest,
} from '../adapters/graph/privileged-access.js';
import type { AccessFile } from '../domain/access/model.js';
import { type ClusterGrant, previewGrants, ruleNamesGroup } from '../domain/pim/grant-preview.js';
import { describeDuration, formatIsoDuration, parseIsoDuration } from '../domain/pim/iso-duration.js';
import {
  type ActivationPolicy,
  type ElevationRequest,
  type GroupName,
  isPending,
  type Membership,
} from '../domain/pim/model.js';
import { authContextClaims, describeRules, pimRefusal } from '../domain/pim/refusal.js';
import type { RbacSnapshot } from '../domain/rbac/model.js';
import { entraView } from '../domain/verify/entra-view.js';
import { KentraError } from '../errors.js';

/** What a step-up sign-in must prove: a second factor (`amr` mfa), an authentication context (claims). */
export interface StepUp {
  mfa?: boolean;
  claims?: string;
}

/** Graph as the signed-in user. */
export interface UserGraph {
  client: GraphClient;
  /** A client whose token proves the step-up: silently when the sign-in already did, else a new sign-in. */
  steppedUp(need: StepUp): Promise<GraphClient>;
}

export interface ElevateDeps {
  graph: UserGraph;
  /**
   * get-token's use case with --force-refresh for the cluster's sign-in; the new token. Absent where
   * kentra holds no cluster sign-in (the portal): the user's next token refresh carries the group.
   */
  refreshClusterToken?: () => Promise<string>;
  /** Roles the grant preview evaluates against (Kubernetes' bootstrap roles, aggregated). */
  roles: RbacSnapshot;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  say: (line: string) => void;
}

export interface ElevationOption {
  group: GroupName;
  /** End of the eligibility, or null for none. */
  eligibleUntil: string | null;
  policy?: ActivationPolicy;
  /** The user's membership now (an activation, or permanent). */
  active?: Membership;
  pending?: ElevationRequest;
  grants: ClusterGrant[];
}

export interface Options {
  user: { id: string; userPrincipalName?: string };
  options: ElevationOption[];
}

export interface ActivateInput {
  /** Display name or object ID, as in the access file. */
  group: string;
  durationMs: number;
  reason?: string;
  ticket?: string;
  /** How long to wait for an approver (0: do not wait). */
  approvalTimeoutMs: number;
  /** How long to wait for Graph and the new token to show the membership. */
  effectiveTimeoutMs: number;
}

export interface ActivateResult {
  group: GroupName;
  outcome: 'activated' | 'already-active' | 'pending-approval';
  request?: ElevationRequest;
  start?: string;
  /** When the elevation ends (null: a permanent membership). */
  end?: string | null;
  /** Milliseconds from the request to Graph listing the membership, and to a token carrying the group. */
  timings?: { graphMs: number; tokenMs: number };
  /** Whether the refreshed cluster token lists the group (false: overage or filtered groups; the webhook can still grant it). */
  tokenCarriesGroup?: boolean;
  grants: ClusterGrant[];
}

export interface StatusResult {
  user: { id: string; userPrincipalName?: string };
  active: Membership[];
  pending: ElevationRequest[];
}

export interface EndResult {
  group: GroupName;
  request: ElevationRequest;
  /** Whether the refreshed cluster token still lists the group (absent when no token was refreshed). */
  tokenCarriesGroup?: boolean;
}

/** Whether any rule of the access file names the group. */
function mapped(access: AccessFile, group: GroupName): boolean {
  return access.rules.some((rule) => ruleNamesGroup(rule, group));
}

function matches(group: GroupName, ref: string): boolean {
  const key = ref.toLowerCase();
  return group.id === key || group.displayName?.toLowerCase() === key;
}

/** A policy read that the token may not be allowed: the activation still goes, Entra enforces it. */
async function policyOf(
  graph: GraphClient,
  groupId: string,
  deps: ElevateDeps,
): Promise<ActivationPolicy | undefined> {
  try {
    return await groupPolicy(graph, groupId);
  } catch (error) {
    deps.say(
      `kentra: note: the group's PIM policy could not be read (${(error as Error).message}); Entra will say what it requires.`,
    );
    return undefined;
  }
}

export async function elevationOptions(access: AccessFile, deps: ElevateDeps): Promise<Options> {
  const { client } = deps.graph;
  const [user, eligibility, memberships, requests] = await Promise.all([
    signedInUser(client),
    myEligibility(client),
    myMemberships(client),
    myRequests(client),
  ]);
  const options: ElevationOption[] = [];
  for (const eligible of eligibility) {
    if (!mapped(access, eligible.group) || options.some((o) => o.group.id === eligible.group.id)) continue;
    const active = memberships.find((m) => m.group.id === eligible.group.id);
    const pending = requests.find((r) => r.group.id === eligible.group.id && isPending(r));
    options.push({
      group: eligible.group,
      eligibleUntil: eligible.end,
      policy: await policyOf(client, eligible.group.id, deps),
      ...(active ? { active } : {}),
      ...(pending ? { pending } : {}),
      grants: previewGrants(access, eligible.group, deps.roles, deps.now()),
    });
  }
  return { user, options };
}

export async function activate(
  access: AccessFile,
  input: ActivateInput,
  deps: ElevateDeps,
): Promise<ActivateResult> {
  const { options, user } = await elevationOptions(access, deps);
  const option = options.find((o) => matches(o.group, input.group));
  if (!option) throw notEligible(access, input.group, options);
  const { group, policy } = option;
  const grants = option.grants;
  if (option.active) {
    deps.say(`kentra: you are already a member of ${name(group)}; refreshing the cluster token.`);
    const carries = await refreshUntilCarried(group, input.effectiveTimeoutMs, deps);
    return {
      group,
      outcome: 'already-active',
      start: option.active.start,
      end: option.active.end,
      tokenCarriesGroup: carries,
      grants,
    };
  }
  checkAgainstPolicy(input, policy);
  const started = deps.now();
  let request = option.pending ?? (await submitActivation(group, user.id, input, policy, deps));
  if (request.status.toLowerCase() === 'pendingapproval') {
    deps.say(
      `kentra: ${name(group)} needs an approver's decision (request ${request.id}); waiting${input.approvalTimeoutMs > 0 ? '' : ' is off (--no-wait)'}…`,
    );
    if (input.approvalTimeoutMs <= 0) return { group, outcome: 'pending-approval', request, grants };
    request = await waitForDecision(request, input.approvalTimeoutMs, deps);
  }
  await waitUntil(
    () => isMember(deps.graph.client, group.id),
    input.effectiveTimeoutMs,
    deps,
    `Graph to list you in ${name(group)}`,
  );
  const graphMs = deps.now() - started;
  const carries = await refreshUntilCarried(group, input.effectiveTimeoutMs, deps);
  const tokenMs = deps.now() - started;
  const membership = (await myMemberships(deps.graph.client)).find(
    (m) => m.group.id === group.id && m.kind === 'activated',
  );
  return {
    group,
    outcome: 'activated',
    request,
    start: membership?.start,
    end: membership?.end ?? null,
    timings: { graphMs, tokenMs },
    tokenCarriesGroup: carries,
    grants,
  };
}

export async function elevationStatus(access: AccessFile, deps: ElevateDeps): Promise<StatusResult> {
  const { client } = deps.graph;
  const [user, memberships, requests] = await Promise.all([
    signedInUser(client),
    myMemberships(client),
    myRequests(client),
  ]);
  return {
    user,
    active: memberships.filter((m) => m.kind === 'activated' && mapped(access, m.group)),
    pending: requests.filter(
      (r) => isPending(r) && r.action.toLowerCase() === 'selfactivate' && mapped(access, r.group),
    ),
  };
}

export async function endElevation(
  access: AccessFile,
  groupRef: string | undefined,
  deps: ElevateDeps,
  timeoutMs: number,
): Promise<EndResult> {
  const status = await elevationStatus(access, deps);
  const candidates = status.active.filter((m) => !groupRef || matches(m.group, groupRef));
  const membership = candidates[0];
  if (!membership || candidates.length > 1)
    throw new KentraError(
      'usage',
      membership
        ? `you have ${candidates.length} active elevations; name the one to end`
        : `you have no active elevation${groupRef ? ` in ${groupRef}` : ''}`,
      { hint: 'kentra elevate --status lists them.' },
    );
  let request: ElevationRequest;
  try {
    request = await submitRequest(deps.graph.client, {
      action: 'selfDeactivate',
      principalId: status.user.id,
      groupId: membership.group.id,
    });
  } catch (error) {
    const refusal =
      error instanceof GraphRequestError ? pimRefusal(error.graphCode, error.message) : undefined;
    if (refusal?.kind === 'too-soon')
      throw new KentraError(
        'pim.refused',
        `Entra keeps an activation for at least 5 minutes; ${name(membership.group)} cannot end yet`,
        {
          cause: error,
          hint: 'Run kentra elevate --end again in a few minutes.',
        },
      );
    throw error;
  }
  await waitUntil(
    async () => !(await isMember(deps.graph.client, membership.group.id)),
    timeoutMs,
    deps,
    `Graph to drop you from ${name(membership.group)}`,
  );
  const token = await deps.refreshClusterToken?.();
  return {
    group: membership.group,
    request,
    ...(token !== undefined ? { tokenCarriesGroup: carriesGroup(token, membership.group.id) } : {}),
  };
}

function name(group: GroupName): string {
  return group.displayName ?? group.id;
}

function notEligible(access: AccessFile, ref: string, options: ElevationOption[]): KentraError {
  const known = options.map((o) => name(o.group));
  const inFile = access.rules.some((rule) => rule.group.toLowerCase() === ref.toLowerCase());
  return new KentraError(
    inFile ? 'pim.not_eligible' : 'usage',
    inFile
      ? `you are not eligible for ${ref} in PIM`
      : `${ref} is not a group the access file maps${known.length > 0 ? '' : ', and you are eligible for none that it does'}`,
    {
      hint:
        known.length > 0
          ? `You can elevate into: ${known.join(', ')}.`
          : 'An administrator makes you eligible in Entra (Privileged Identity Management > Groups > Assignments > Eligible).',
    },
  );
}

/** What kentra can say before Entra does: a missing reason, a duration above the policy's maximum. */
function checkAgainstPolicy(input: ActivateInput, policy: ActivationPolicy | undefined): void {
  if (!(input.durationMs > 0))
    throw new KentraError('usage', '--for must be a positive duration such as 2h or 30m');
  if (policy?.justification && !input.reason?.trim())
    throw new KentraError('usage', "the group's PIM policy requires a reason", {
      hint: 'Add --reason "…" (e.g. the incident or ticket).',
    });
  if (policy?.ticket && !input.ticket?.trim())
    throw new KentraError('usage', "the group's PIM policy requires a ticket number", {
      hint: 'Add --ticket NUMBER.',
    });
  const maximum = policy?.maximumDuration ? parseIsoDuration(policy.maximumDuration) : undefined;
  if (maximum !== undefined && input.durationMs > maximum)
    throw new KentraError(
      'usage',
      `--for ${describeDuration(input.durationMs)} is longer than the policy allows (${describeDuration(maximum)})`,
      {
        hint: `Ask for ${describeDuration(maximum)} or less.`,
      },
    );
}

/**
 * selfActivate with the token the policy needs. A policy that could not be
 * read shows its needs in the refusal (MfaRule, an authentication context):
 * then one step-up and one retry.
 */
async function submitActivation(
  group: GroupName,
  principalId: string,
  input: ActivateInput,
  policy: ActivationPolicy | undefined,
  deps: ElevateDeps,
): Promise<ElevationRequest> {
  const body = {
    action: 'selfActivate' as const,
    principalId,
    groupId: group.id,
    justification: input.reason,
    ticketNumber: input.ticket,
    durationIso: formatIsoDuration(input.durationMs),
  };
  let need: StepUp = {
    ...(policy?.mfa ? { mfa: true } : {}),
    ...(policy?.authenticationContext ? { claims: authContextClaims(policy.authenticationContext) } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    const client = need.mfa || need.claims ? await deps.graph.steppedUp(need) : deps.graph.client;
    try {
      return await submitRequest(client, body);
    } catch (error) {
      const refusal =
        error instanceof GraphRequestError ? pimRefusal(error.graphCode, error.message) : undefined;
      if (!refusal) throw error;
      if (refusal.kind === 'pending') {
        const pending = (await myRequests(deps.graph.client)).find(
          (r) => r.group.id === group.id && isPending(r),
        );
        if (pending) return pending;
      }
      const wantsMfa = refusal.kind === 'policy' && refusal.rules.some((r) => r.toLowerCase() === 'mfarule');
      const wantsContext = refusal.kind === 'auth-context';
      if (attempt === 0 && ((wantsMfa && !need.mfa) || (wantsContext && !need.claims))) {
        need = {
          ...need,
          ...(wantsMfa ? { mfa: true } : {}),
          ...(wantsContext ? { claims: refusal.claims ?? need.claims } : {}),
        };
        if (!wantsContext || need.claims) continue;
      }
      throw refusedError(group, refusal, error);
    }
  }
}

function refusedError(
  group: GroupName,
  refusal: NonNullable<ReturnType<typeof pimRefusal>>,
  cause: unknown,
): KentraError {
  switch (refusal.kind) {
    case 'policy':
      if (refusal.rules.some((r) => r.toLowerCase() === 'eligibilityrule'))
        return new KentraError('pim.not_eligible', `Entra says you are not eligible for ${name(group)}`, {
          cause,
        });
      return new KentraError(
        'pim.refused',
        `PIM refused to activate ${name(group)}: ${describeRules(refusal.rules)}`,
        {
          cause,
          hint: 'Change the request to meet the policy and run kentra elevate again.',
        },
      );
    case 'auth-context':
      return new KentraError(
        'pim.refused',
        `PIM refused to activate ${name(group)}: the sign-in lacks the required authentication context`,
        {
          cause,
          hint: 'Sign in again satisfying your organisation’s Conditional Access step-up, then retry.',
        },
      );
    case 'exists':
      return new KentraError('pim.refused', `${name(group)} is already active or assigned`, {
        cause,
        hint: 'kentra elevate --status shows it.',
      });
    default:
      return new KentraError('pim.refused', `PIM refused to activate ${name(group)} (${refusal.kind})`, {
        cause,
      });
  }
}

async function waitForDecision(
  request: ElevationRequest,
  timeoutMs: number,
  deps: ElevateDeps,
): Promise<ElevationRequest> {
  const deadline = deps.now() + timeoutMs;
  let current = request;
  while (current.status.toLowerCase() === 'pendingapproval') {
    if (deps.now() >= deadline)
      throw new KentraError('pim.pending', `no approver decided within ${describeDuration(timeoutMs)}`, {
        hint: `The request (${request.id}) stays pending; kentra elevate --status shows it, and kentra elevate GROUP picks it up once approved.`,
      });
    await deps.sleep(2000);
    current = (await requestById(deps.graph.client, request.id)) ?? current;
  }
  const status = current.status.toLowerCase();
  if (status === 'denied' || status === 'canceled' || status === 'failed' || status === 'revoked')
    throw new KentraError('pim.refused', `the request for ${name(current.group)} was ${status}`, {
      hint: 'Ask the approver why, or request again with a better reason.',
    });
  return current;
}

/** Polls `ready` with a short back-off (Graph replication takes from milliseconds to seconds). */
async function waitUntil(
  ready: () => Promise<boolean>,
  timeoutMs: number,
  deps: ElevateDeps,
  what: string,
): Promise<void> {
  const deadline = deps.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    if (await ready()) return;
    if (deps.now() >= deadline)
      throw new KentraError('pim.timeout', `waited ${describeDuration(timeoutMs)} for ${what}`, {
        hint: 'Entra may still be replicating the change; kentra elevate --status shows where it stands.',
      });
    await deps.sleep(delay);
  }
}

function carriesGroup(token: string, groupId: string): boolean {
  try {
    return entraView(decodeJwt(token) as Record<string, unknown>).groupIds.some(
      (id) => id.toLowerCase() === groupId,
    );
  } catch {
    return false;
  }
}

/**
 * Refreshes the cluster token until it lists the group. A token that lists no
 * groups at all (overage, or groups filtered by the app) never will: that is
 * said, not waited for.
 */
async function refreshUntilCarried(
  group: GroupName,
  timeoutMs: number,
  deps: ElevateDeps,
): Promise<boolean | undefined> {
  const refresh = deps.refreshClusterToken;
  if (!refresh) return undefined;
  const deadline = deps.now() + timeoutMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 4000)) {
    const token = await refresh();
    if (carriesGroup(token, group.id)) return true;
    let listsGroups = false;
    try {
      const view = entraView(decodeJwt(token) as Record<string, unknown>);
      listsGroups = view.groupIds.length > 0 && !view.groupsOverage;
    } catch {
      listsGroups = false;
    }
    if (!listsGroups || deps.now() >= deadline) {
      deps.say(
        `kentra: note: the refreshed token does not list ${name(group)}; clusters that read groups from the token see it once Entra issues one that does (the kentra webhook grants it at once).`,
      );
      return false;
    }
    await deps.sleep(delay);
  }
}
