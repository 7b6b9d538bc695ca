/**
 * The setup flow against a scripted Graph (no emulator): the service
 * principal of a just-created app is retried while Graph has not replicated
 * the app yet, and the waits go through the injected sleep.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FetchLike } from '../../../src/adapters/graph/client.js';
import { openGraph } from '../../../src/adapters/graph/open-graph.js';
import { entraSetup } from '../../../src/usecases/entra-setup.js';

const accessText = `apiVersion: kentra.dev/v1alpha1
kind: Access
tenant:
  id: 7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f
  graph: https://graph.example.test
app:
  name: kentra-unit
clusters:
  - name: dev
rules:
  - group: a0000000-0000-4000-8000-00000000000a   # by object ID
    clusterRole: view
`;

function json(status: number, body?: unknown) {
  return {
    status,
    headers: { get: () => null },
    text: async () => (body === undefined ? '' : JSON.stringify(body)),
  };
}

describe('entraSetup', () => {
  it('retries creating the service principal while the new app is not replicated, then completes', async () => {
    const calls: string[] = [];
    let spAttempts = 0;
    const fetch: FetchLike = async (url, init) => {
      const { pathname } = new URL(url);
      calls.push(`${init.method} ${pathname}`);
      if (init.method === 'GET' && pathname === '/v1.0/applications') return json(200, { value: [] });
      if (init.method === 'POST' && pathname === '/v1.0/applications')
        return json(201, { id: 'obj-1', appId: 'b0000000-0000-4000-8000-000000000001' });
      if (init.method === 'GET' && pathname === '/v1.0/servicePrincipals') return json(200, { value: [] });
      if (init.method === 'POST' && pathname === '/v1.0/servicePrincipals') {
        spAttempts++;
        if (spAttempts < 3)
          return json(400, {
            error: {
              code: 'Request_BadRequest',
              message:
                "The appId 'b0000000-0000-4000-8000-000000000001' of the service principal does not reference a valid application object.",
            },
          });
        return json(201, {
          id: 'sp-1',
          appId: 'b0000000-0000-4000-8000-000000000001',
          appRoleAssignmentRequired: false,
        });
      }
      if (init.method === 'PATCH' && pathname === '/v1.0/servicePrincipals/sp-1') return json(204);
      if (init.method === 'GET' && pathname === '/v1.0/groups/a0000000-0000-4000-8000-00000000000a')
        return json(200, { id: 'a0000000-0000-4000-8000-00000000000a', displayName: 'viewers' });
      if (pathname === '/v1.0/servicePrincipals/sp-1/appRoleAssignedTo')
        return init.method === 'GET' ? json(200, { value: [] }) : json(201, { id: 'as-1' });
      return json(404, { error: { code: 'Request_ResourceNotFound', message: 'unexpected' } });
    };
    const slept: number[] = [];
    const progress: string[] = [];
    let written = '';
    const result = await entraSetup(
      { access: 'kentra.yaml', dryRun: false },
      {
        now: () => Date.parse('2026-06-01T00:00:00Z'),
        progress: (line) => progress.push(line),
        files: {
          readText: async () => (written === '' ? accessText : written),
          writeText: async (_path, text) => {
            written = text;
          },
        },
        openGraph: async (access) =>
          openGraph({
            auth: { mode: 'token' },
            tenant: access.file.tenant,
            env: { KENTRA_GRAPH_TOKEN: 'opaque' },
            now: () => Date.parse('2026-06-01T00:00:00Z'),
            progress: (line) => progress.push(line),
            interactive: false,
            fetch,
          }),
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
    assert.equal(spAttempts, 3);
    assert.deepEqual(slept, [2000, 4000], 'two waits, through the injected sleep');
    assert.equal(progress.filter((line) => line.includes('not visible to Graph yet')).length, 2);
    assert.deepEqual(result.apps[0]?.groups, [
      { group: 'viewers', id: 'a0000000-0000-4000-8000-00000000000a', status: 'assigned' },
    ]);
    assert.equal(
      calls.filter((call) => call === 'POST /v1.0/applications').length,
      1,
      'the app is created once',
    );
    assert.match(written, /clientId: b0000000-0000-4000-8000-000000000001/);
    assert.match(written, /# by object ID/);
  });
});
