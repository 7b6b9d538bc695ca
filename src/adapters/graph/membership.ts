/**
 * A user's transitive group memberships from Microsoft Graph
 * (POST /users/{id}/getMemberGroups): what the token would list without the
 * 200-group limit, or confirmation that a token without `groups` belongs to a
 * user in no group. https://learn.microsoft.com/graph/api/directoryobject-getmembergroups
 */
import { type GraphClient, unexpectedAnswer } from './client.js';

export async function memberGroupIds(client: GraphClient, userId: string): Promise<string[]> {
  const result = await client.post<{ value?: string[] }>(
    `/users/${encodeURIComponent(userId)}/getMemberGroups`,
    {
      securityEnabledOnly: false,
    },
  );
  const ids = result?.value ?? [];
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw unexpectedAnswer('/users/{id}/getMemberGroups', 'a membership list that is not a list of IDs');
  return ids;
}
