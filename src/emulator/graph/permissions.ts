/**
 * Which Graph permissions each kind of call needs (any one of a list), after
 * the permission tables in the Graph API reference pages.
 */
export const readUsers = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const writeUsers = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
/** revokeSignInSessions: its own least-privileged permission, or a write permission on users. */
export const revokeSessions = ['User.RevokeSessions.All', ...writeUsers];
export const readGroups = [
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const writeMembers = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
export const writeGroups = ['Group.ReadWrite.All', 'Directory.ReadWrite.All'];
export const readApplications = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const writeApplications = ['Application.ReadWrite.All', 'Directory.ReadWrite.All'];
export const writeAssignments = ['AppRoleAssignment.ReadWrite.All', 'Directory.ReadWrite.All'];
export const readAuditLogs = ['AuditLog.Read.All'];
export const readPolicies = ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'];
export const writePolicies = ['Policy.ReadWrite.ConditionalAccess'];
/** The signed-in user reading themselves (`/me`). */
export const readSelf = ['User.Read', ...readUsers];
/** PIM for Groups (learn.microsoft.com/graph/api/ pages of each call, least privileged first). */
export const readEligibility = [
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
];
export const readAssignments = [
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
];
export const writeAssignmentRequests = ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'];
export const readRoleManagementPolicies = [
  'RoleManagementPolicy.Read.AzureADGroup',
  'RoleManagementPolicy.ReadWrite.AzureADGroup',
];
