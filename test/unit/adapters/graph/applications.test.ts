import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  explainDenied,
  isAlreadyAssigned,
  send,
  writes,
} from '../../../../src/adapters/graph/applications.js';
import { type FetchLike, GraphClient, GraphRequestError } from '../../../../src/adapters/graph/client.js';
import { KentraError } from '../../../../src/errors.js';

const denied = new GraphRequestError('POST', '/v1.0/applications', 403, {
  error: {
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  },
});

describe('Graph application helpers', () => {
  it('turns a 403 into an error naming the permission and the admin-consent step', () => {
    const error = explainDenied(denied, 'AppRoleAssignment.ReadWrite.All', 'assign group x');
    assert.ok(error instanceof KentraError);
    assert.equal(error.code, 'entra.permission');
    assert.match(
      error.message,
      /refused to assign group x: .*lacks AppRoleAssignment\.ReadWrite\.All \(Authorization_RequestDenied\)/,
    );
    assert.match(error.hint ?? '', /Grant admin consent/);
    const other = new GraphRequestError('GET', '/v1.0/x', 404, undefined);
    assert.equal(explainDenied(other, 'Group.Read.All', 'read'), other, 'other errors pass through');
  });

  it('recognises an assignment that exists already', () => {
    assert.equal(isAlreadyAssigned(new GraphRequestError('POST', '/p', 409, undefined)), true);
    assert.equal(
      isAlreadyAssigned(
        new GraphRequestError('POST', '/p', 400, {
          error: {
            code: 'Request_BadRequest',
            message: 'Permission being assigned already exists on the object.',
          },
        }),
      ),
      true,
    );
    assert.equal(isAlreadyAssigned(denied), false);
  });

  it('sends a described write as it is described', async () => {
    const seen: { method: string; url: string; body?: string }[] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push({ method: init.method, url, body: init.body });
      return { status: 201, headers: { get: () => null }, text: async () => '{"id":"a1"}' };
    };
    const client = new GraphClient({ baseUrl: 'https://graph.example', fetch });
    const write = writes.assign('sp1', 'g1', '00000000-0000-0000-0000-000000000000', 'admins', 'kentra');
    assert.deepEqual(await send(client, write), { id: 'a1' });
    assert.deepEqual(seen, [
      {
        method: 'POST',
        url: 'https://graph.example/v1.0/servicePrincipals/sp1/appRoleAssignedTo',
        body: JSON.stringify({
          principalId: 'g1',
          resourceId: 'sp1',
          appRoleId: '00000000-0000-0000-0000-000000000000',
        }),
      },
    ]);
    assert.equal(write.permission, 'AppRoleAssignment.ReadWrite.All');
  });
});
