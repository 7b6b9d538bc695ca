/**
 * Group-membership changes from Entra's directory audit log
 * (GET /auditLogs/directoryAudits, activities "Add member to group" and
 * "Remove member from group"), so the trail can say "bob added to developers
 * by alice" next to what bob then did in the cluster.
 */
export interface DirectoryAudit {
  id?: string;
  category?: string;
  /** `Core Directory`, `PIM`, … */
  loggedByService?: string;
  correlationId?: string;
  /** Key/value pairs (PIM puts the justification, request ID, start and end here). */
  additionalDetails?: Array<{ key?: string; value?: string | null }>;
  activityDisplayName?: string;
  activityDateTime?: string;
  result?: string;
  initiatedBy?: {
    user?: { id?: string; displayName?: string | null; userPrincipalName?: string | null } | null;
    app?: { appId?: string; displayName?: string | null } | null;
  };
  targetResources?: Array<{
    id?: string;
    displayName?: string | null;
    type?: string;
    userPrincipalName?: string | null;
    modifiedProperties?: Array<{ displayName?: string; oldValue?: string | null; newValue?: string | null }>;
  }>;
}

export interface GroupChange {
  kind: 'group-change';
  time: string;
  action: 'added' | 'removed';
  member: { id?: string; upn?: string; displayName?: string };
  group: { id?: string; displayName?: string };
  by: { id?: string; upn?: string; displayName?: string; app?: string };
  result: string;
  directoryAuditId?: string;
}

export function isDirectoryAudit(value: unknown): value is DirectoryAudit {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.activityDisplayName === 'string' && typeof record.activityDateTime === 'string';
}

const activities: Record<string, 'added' | 'removed'> = {
  'add member to group': 'added',
  'remove member from group': 'removed',
};

/** The group change a directory audit records, or undefined for any other activity. */
/**
 * The group change a directory audit records, or undefined for any other activity.
 * Exports are untrusted: every field is read for its type, and one of the wrong type counts as absent.
 */
export function groupChangeFrom(audit: DirectoryAudit): GroupChange | undefined {
  const record = audit as Record<string, unknown>;
  const action = activities[(text(record.activityDisplayName) ?? '').toLowerCase()];
  const time = text(record.activityDateTime);
  if (!action || !time) return undefined;
  const targets = Array.isArray(record.targetResources) ? record.targetResources.filter(isRecord) : [];
  const memberTarget = targets.find((target) => target.type !== 'Group') ?? targets[0];
  const groupTarget = targets.find((target) => target.type === 'Group');
  // The member target carries the group in modifiedProperties as JSON-encoded strings: "\"<id>\"".
  const property = (name: string): string | undefined => {
    const properties = Array.isArray(memberTarget?.modifiedProperties) ? memberTarget.modifiedProperties : [];
    const found = properties.filter(isRecord).find((p) => p.displayName === name);
    return decodeJsonString(
      text(action === 'added' ? found?.newValue : (found?.oldValue ?? found?.newValue)),
    );
  };
  const initiatedBy = isRecord(record.initiatedBy) ? record.initiatedBy : {};
  const user = isRecord(initiatedBy.user) ? initiatedBy.user : {};
  const app = isRecord(initiatedBy.app) ? initiatedBy.app : {};
  const change: GroupChange = {
    kind: 'group-change',
    time,
    action,
    member: compact({
      id: text(memberTarget?.id),
      upn: text(memberTarget?.userPrincipalName),
      displayName: text(memberTarget?.displayName),
    }),
    group: compact({
      id: text(groupTarget?.id) ?? property('Group.ObjectID'),
      displayName: text(groupTarget?.displayName) ?? property('Group.DisplayName'),
    }),
    by: compact({
      id: text(user.id),
      upn: text(user.userPrincipalName),
      displayName: text(user.displayName),
      app: text(app.displayName) ?? text(app.appId),
    }),
    result: text(record.result) ?? 'unknown',
  };
  const id = text(record.id);
  if (id) change.directoryAuditId = id;
  return change;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "bob@contoso.com added to developers by alice@contoso.com" */
export function describeGroupChange(change: GroupChange): string {
  const member = change.member.upn ?? change.member.displayName ?? change.member.id ?? 'someone';
  const group = change.group.displayName ?? change.group.id ?? 'a group';
  const by = change.by.upn ?? change.by.displayName ?? change.by.app ?? change.by.id ?? 'unknown';
  const verb = change.action === 'added' ? 'added to' : 'removed from';
  const outcome = change.result === 'success' ? '' : ` (${change.result})`;
  return `${member} ${verb} ${group} by ${by}${outcome}`;
}

function decodeJsonString(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' && decoded !== '' ? decoded : undefined;
  } catch {
    return value;
  }
}

function compact<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const key of Object.keys(record) as (keyof T)[]) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}
