/**
 * PIM for Groups over the one Graph client: the signed-in user's eligibility,
 * memberships and requests (`filterByCurrentUser(on='principal')`), a group's
 * eligibility, memberships and activation policy (admin reads for verify,
 * entra check and audit), and schedule requests (self-activate, deactivate).
 * https://learn.microsoft.com/graph/api/resources/privilegedidentitymanagement-for-groups-api-overview
 */
import {
  type ActivationPolicy,
  type ElevationRequest,
  type Eligibility,
  type Membership,
  parseEligibility,
  parseMembership,
  parseRequest,
  policyFromRules,
} from '../../domain/pim/model.js';
import { KentraError } from '../../errors.js';
import { type GraphClient, GraphRequestError } from './client.js';

const base = '/identityGovernance/privilegedAccess/group';

/** Delegated permissions `kentra elevate` asks for (least privileged for each call). */
export const elevationScopes = [
  'User.Read',
  'GroupMember.Read.All',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
] as const;

/** Permissions an admin-style reader (verify, entra check, audit) needs, any one of each pair. */
export const pimReadPermissions = [
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
] as const;

function defined<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

const odata = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A 403 from PIM names the permission instead of the generic group hint. */
async function pim<T>(what: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GraphRequestError && error.status === 403)
      throw new KentraError('entra.permission', `Microsoft Graph refused to ${what} (403)`, {
        cause: error,
        hint: `The token needs ${permission} (delegated for kentra elevate, consented by an admin; application for admin reads).`,
      });
    throw error;
  }
}

const readEligibility = 'PrivilegedEligibilitySchedule.Read.AzureADGroup';
const readAssignments = 'PrivilegedAssignmentSchedule.Read.AzureADGroup';

/** Every item of a PIM collection, parsed (unreadable items dropped); a 403 names `permission`. */
function listed<T>(
  client: GraphClient,
  what: string,
  permission: string,
  path: string,
  query: Record<string, string>,
  parse: (value: unknown) => T | undefined,
): Promise<T[]> {
  return pim(what, permission, async () => defined((await client.list<unknown>(path, { query })).map(parse)));
}

const mine = (kind: string) => `${base}/${kind}/filterByCurrentUser(on='principal')`;
const ofGroup = (groupId: string) => ({ $filter: `groupId eq ${odata(groupId)}` });

export const myEligibility = (client: GraphClient): Promise<Eligibility[]> =>
  listed(
    client,
    'list your PIM eligibility',
    readEligibility,
    mine('eligibilityScheduleInstances'),
    { $expand: 'group' },
    parseEligibility,
  );

export const myMemberships = (client: GraphClient): Promise<Membership[]> =>
  listed(
    client,
    'list your PIM activations',
    readAssignments,
    mine('assignmentScheduleInstances'),
    { $expand: 'group' },
    parseMembership,
  );

export const myRequests = (client: GraphClient): Promise<ElevationRequest[]> =>
  listed(
    client,
    'list your PIM requests',
    readAssignments,
    mine('assignmentScheduleRequests'),
    { $expand: 'group' },
    parseRequest,
  );

export const groupEligibility = (client: GraphClient, groupId: string): Promise<Eligibility[]> =>
  listed(
    client,
    'list PIM eligibility of a group',
    readEligibility,
    `${base}/eligibilitySchedules`,
    ofGroup(groupId),
    parseEligibility,
  );

/** Active memberships of a group as PIM lists them: activations and permanent (`assigned`) members. */
export const groupMemberships = (client: GraphClient, groupId: string): Promise<Membership[]> =>
  listed(
    client,
    'list PIM assignments of a group',
    readAssignments,
    `${base}/assignmentScheduleInstances`,
    ofGroup(groupId),
    parseMembership,
  );

/** The group's member-activation policy; undefined when the group is not onboarded to PIM. */
export function groupPolicy(client: GraphClient, groupId: string): Promise<ActivationPolicy | undefined> {
  return pim('read the PIM policy of a group', 'RoleManagementPolicy.Read.AzureADGroup', async () => {
    const assignments = await client.list<{ policy?: { rules?: unknown[] } }>(
      '/policies/roleManagementPolicyAssignments',
      {
        query: {
          $filter: `scopeId eq ${odata(groupId)} and scopeType eq 'Group' and roleDefinitionId eq 'member'`,
          $expand: 'policy($expand=rules)',
        },
      },
    );
    const rules = assignments[0]?.policy?.rules;
    return rules ? policyFromRules(rules) : undefined;
  });
}

export interface ScheduleRequestBody {
  action: 'selfActivate' | 'selfDeactivate';
  principalId: string;
  groupId: string;
  justification?: string;
  durationIso?: string;
  ticketNumber?: string;
}

/** POST assignmentScheduleRequests (201 + the request); refusals are GraphRequestErrors (see domain/pim/refusal.ts). */
export async function submitRequest(
  client: GraphClient,
  body: ScheduleRequestBody,
): Promise<ElevationRequest> {
  const created = await client.post<unknown>(`${base}/assignmentScheduleRequests`, {
    accessId: 'member',
    principalId: body.principalId,
    groupId: body.groupId,
    action: body.action,
    ...(body.justification ? { justification: body.justification } : {}),
    ...(body.ticketNumber ? { ticketInfo: { ticketNumber: body.ticketNumber, ticketSystem: 'kentra' } } : {}),
    ...(body.durationIso
      ? { scheduleInfo: { expiration: { type: 'afterDuration', duration: body.durationIso } } }
      : {}),
  });
  const request = parseRequest(created);
  if (!request)
    throw new KentraError('graph.request', 'Microsoft Graph answered the PIM request without an ID');
  return request;
}

export async function requestById(client: GraphClient, id: string): Promise<ElevationRequest | undefined> {
  return parseRequest(
    await client.get<unknown>(`${base}/assignmentScheduleRequests/${encodeURIComponent(id)}`, {
      query: { $expand: 'group' },
    }),
  );
}

export async function signedInUser(
  client: GraphClient,
): Promise<{ id: string; userPrincipalName?: string; displayName?: string }> {
  const me = await client.get<{ id?: string; userPrincipalName?: string; displayName?: string }>('/me', {
    query: { $select: 'id,userPrincipalName,displayName' },
  });
  if (!me.id) throw new KentraError('graph.request', 'Microsoft Graph /me answered without an object ID');
  return { ...me, id: me.id.toLowerCase() };
}

/** Whether Graph lists the signed-in user in the group now (POST /me/checkMemberGroups). */
export async function isMember(client: GraphClient, groupId: string): Promise<boolean> {
  const result = await client.post<{ value?: string[] }>('/me/checkMemberGroups', { groupIds: [groupId] });
  return (result.value ?? []).some((id) => id.toLowerCase() === groupId.toLowerCase());
}
