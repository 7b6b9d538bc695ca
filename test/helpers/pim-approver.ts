/**
 * An approver at work: Alex (the demo tenant's approver of prod-deployers)
 * finds the request waiting for him through Graph and approves it, as the
 * portal or a script of the approver would. Returns the PATCH's status.
 */
import type { EmulatorHandle } from '../harness/emulator.js';

type Row = Record<string, unknown>;
const base = '/identityGovernance/privilegedAccess/group';

export async function approvePendingAsAlex(entra: EmulatorHandle, justification: string): Promise<number> {
  const { accessToken: token } = await entra.signInWithPassword({
    user: entra.users.admin,
    scope: 'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup openid',
  });
  const queue = await entra.graph(`${base}/assignmentScheduleRequests/filterByCurrentUser(on='approver')`, {
    token,
  });
  const request = (queue.body.value as Row[])[0] as Row;
  const approval = await entra.graph(`${base}/assignmentApprovals/${request.approvalId}`, { token });
  const stage = (approval.body.stages as Row[])[0] as Row;
  const decided = await entra.graph(`${base}/assignmentApprovals/${request.approvalId}/stages/${stage.id}`, {
    method: 'PATCH',
    token,
    body: { reviewResult: 'Approve', justification },
  });
  return decided.status;
}
