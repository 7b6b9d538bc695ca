/**
 * `kentra whoami`: the same token seen from both ends. Kubernetes' view is the
 * API server's SelfSubjectReview; Entra's view is the token's claims, with
 * group object IDs named through Microsoft Graph when a Graph token is at hand.
 */
import { decodeJwt } from 'jose';
import type { GraphClient } from '../adapters/graph/client.js';
import { groupById } from '../adapters/graph/groups.js';
import { memberGroupIds } from '../adapters/graph/membership.js';
import { groupsOverageSummary } from '../domain/entra/claims.js';
import { type EntraView, entraView } from '../domain/verify/entra-view.js';
import type { SelfReview } from '../domain/verify/facts.js';
import { KentraError } from '../errors.js';

export interface WhoamiDeps {
  obtainToken: () => Promise<string>;
  reviewToken: (token: string) => Promise<SelfReview>;
  graph?: GraphClient;
  now: () => number;
}

export interface NamedGroup {
  id: string;
  /** Display name from Graph; undefined when not resolved. */
  name?: string;
}

export interface WhoamiResult {
  kubernetes: SelfReview;
  /** Undefined when the credential is not a JWT (then there is no Entra side to show). */
  entra?: EntraView & {
    groups: NamedGroup[];
    /** With overage: how many groups Graph says the user is in (the token lists none). */
    graphGroupCount?: number;
    expired: boolean;
  };
  warnings: string[];
}

const parallelLookups = 8;

async function nameGroups(graph: GraphClient, ids: readonly string[]): Promise<NamedGroup[]> {
  const named: NamedGroup[] = ids.map((id) => ({ id }));
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < ids.length; index = next++) {
      const group = await groupById(graph, ids[index] as string);
      if (group) (named[index] as NamedGroup).name = group.displayName;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelLookups, ids.length) }, worker));
  return named;
}

export async function whoami(deps: WhoamiDeps): Promise<WhoamiResult> {
  const token = await deps.obtainToken();
  const warnings: string[] = [];
  const kubernetes = await deps.reviewToken(token);
  if (!kubernetes.accepted)
    warnings.push(
      kubernetes.status === 401
        ? 'the API server did not accept the token (401): run `kentra verify` to find the broken link'
        : `the API server answered ${kubernetes.status} to the SelfSubjectReview: ${kubernetes.message}`,
    );
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    warnings.push('the credential is not a JWT, so it has no Entra side to show');
    return { kubernetes, warnings };
  }
  const view = entraView(claims);
  let groups: NamedGroup[] = view.groupIds.map((id) => ({ id }));
  let graphGroupCount: number | undefined;
  if (view.groupsOverage)
    warnings.push(
      `${groupsOverageSummary}, so Kubernetes sees none of your Entra groups. ` +
        'Ask for groupMembershipClaims: ApplicationGroup, app roles, or the kentra webhook.',
    );
  if (deps.graph) {
    try {
      if (groups.length > 0) groups = await nameGroups(deps.graph, view.groupIds);
      if (view.groupsOverage && view.oid) {
        graphGroupCount = (await memberGroupIds(deps.graph, view.oid)).length;
      }
    } catch (error) {
      warnings.push(
        `group names not resolved: ${error instanceof KentraError ? error.message : String(error)}`,
      );
    }
  } else if (groups.length > 0 || view.groupsOverage)
    warnings.push(
      'group names not resolved: no Microsoft Graph sign-in was found (choose one with --graph-auth; GroupMember.Read.All)',
    );
  const expired = view.expiresAt !== undefined && Date.parse(view.expiresAt) <= deps.now();
  if (expired) warnings.push('the token has expired');
  return {
    kubernetes,
    entra: { ...view, groups, ...(graphGroupCount !== undefined ? { graphGroupCount } : {}), expired },
    warnings,
  };
}
