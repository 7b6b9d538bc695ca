import { elevationFrom, isScheduleRequestRecord } from '../../domain/audit/elevation.js';
import { type DirectoryAudit, isDirectoryAudit } from '../../domain/audit/group-change.js';
import { signInFrom } from '../../domain/audit/sign-in.js';
import type { GraphClient } from '../graph/client.js';
import { GraphRequestError } from '../graph/client.js';
import type { GraphGroup } from '../graph/groups.js';
import type { SignInSource } from './sign-in-files.js';

/**
 * Sign-ins, group changes and PIM elevations (directory audits, and the
 * assignmentScheduleRequests of the groups they name) read from Microsoft Graph. Paging
 * (`@odata.nextLink`) and throttling (429 + Retry-After) are the Graph
 * client's job. v1.0 `/auditLogs/signIns` returns interactive sign-ins only;
 * the non-interactive ones (refresh-token redemptions, i.e. most kubectl
 * tokens) need beta with a `signInEventTypes` filter (entra-protocol.md §5.1).
 */
export interface GraphSignInOptions {
  v1: GraphClient;
  beta: GraphClient;
  /** Only records at or after this time (epoch ms), to keep the download small. */
  since?: number;
  until?: number;
  progress: (line: string) => void;
}

export function graphSignIns(options: GraphSignInOptions): SignInSource {
  const range = timeFilter('createdDateTime', options.since, options.until);
  return {
    description: 'Microsoft Graph',
    async load(into) {
      let signIns = 0;
      const take = (value: unknown) => {
        const signIn = signInFrom(value);
        if (signIn) {
          into.signIn(signIn);
          signIns++;
        }
      };
      for await (const page of options.v1.pages<unknown>('/auditLogs/signIns', { query: { $filter: range } }))
        for (const value of page) take(value);
      try {
        const nonInteractive = and("signInEventTypes/any(t: t eq 'nonInteractiveUser')", range);
        for await (const page of options.beta.pages<unknown>('/auditLogs/signIns', {
          query: { $filter: nonInteractive },
        }))
          for (const value of page) take(value);
      } catch (error) {
        // Tenants without beta access (or emulators without it) still give the interactive ones.
        if (!(error instanceof GraphRequestError) || error.status === 401) throw error;
        options.progress(`Microsoft Graph beta answered ${error.status}: non-interactive sign-ins not read`);
      }
      let audits = 0;
      const pimGroups = new Set<string>();
      const auditFilter = and(
        "category eq 'GroupManagement'",
        timeFilter('activityDateTime', options.since, options.until),
      );
      for await (const page of options.v1.pages<unknown>('/auditLogs/directoryAudits', {
        query: { $filter: auditFilter },
      }))
        for (const value of page)
          if (isDirectoryAudit(value)) {
            into.directoryAudit(value as DirectoryAudit);
            audits++;
            const elevation = elevationFrom(value as DirectoryAudit);
            if (elevation?.group.id) pimGroups.add(elevation.group.id);
          }
      // The schedule requests of the groups PIM wrote about: the justification of each elevation.
      let requests = 0;
      try {
        for (const groupId of pimGroups)
          for await (const page of options.v1.pages<unknown>(
            '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
            { query: { $filter: `groupId eq '${groupId.replaceAll("'", "''")}'` } },
          ))
            for (const value of page)
              if (isScheduleRequestRecord(value)) {
                into.scheduleRequest?.(value);
                requests++;
              }
      } catch (error) {
        if (!(error instanceof GraphRequestError) || error.status !== 403) throw error;
        options.progress(
          'Microsoft Graph refused to list PIM requests (403; PrivilegedAssignmentSchedule.Read.AzureADGroup): elevations are shown from the audit log alone',
        );
      }
      // Group names, so that a granting group shows by name even if nobody joined or left it.
      let groups = 0;
      try {
        for await (const page of options.v1.pages<GraphGroup>('/groups', {
          query: { $select: 'id,displayName', $top: '999' },
        }))
          for (const group of page)
            if (typeof group.id === 'string' && typeof group.displayName === 'string') {
              into.group?.(group);
              groups++;
            }
      } catch (error) {
        if (!(error instanceof GraphRequestError) || error.status !== 403) throw error;
        options.progress(
          'Microsoft Graph refused to list groups (403): granting groups are shown by object id',
        );
      }
      options.progress(
        `read ${signIns} sign-ins, ${audits} group-management audits, ${requests} PIM requests and ${groups} group names from Microsoft Graph`,
      );
    },
  };
}

function timeFilter(field: string, since: number | undefined, until: number | undefined): string | undefined {
  const parts: string[] = [];
  if (since !== undefined) parts.push(`${field} ge ${new Date(since).toISOString()}`);
  if (until !== undefined) parts.push(`${field} le ${new Date(until).toISOString()}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function and(first: string, second: string | undefined): string {
  return second === undefined ? first : `${first} and ${second}`;
}
