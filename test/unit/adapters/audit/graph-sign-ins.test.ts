import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphSignIns } from '../../../../src/adapters/audit/graph-sign-ins.js';
import { type FetchLike, GraphClient } from '../../../../src/adapters/graph/client.js';
import { signIn } from '../../domain/audit/fixtures.js';

/** A Graph stand-in that answers from a route table and records what it was asked. */
function fakeGraph(
  routes: Record<string, { status: number; body: unknown; headers?: Record<string, string> }[]>,
) {
  const asked: string[] = [];
  const fetch: FetchLike = async (url) => {
    const parsed = new URL(url);
    const key = `${parsed.pathname}${parsed.searchParams.get('$skiptoken') ? '#2' : ''}`;
    asked.push(`${parsed.pathname}?$filter=${parsed.searchParams.get('$filter')}`);
    const answers = routes[key] ?? [{ status: 404, body: { error: { code: 'NotFound' } } }];
    const answer =
      answers.length > 1
        ? (answers.shift() as (typeof answers)[number])
        : (answers[0] as (typeof answers)[number]);
    return {
      status: answer.status,
      headers: { get: (name: string) => answer.headers?.[name.toLowerCase()] ?? null },
      text: async () => JSON.stringify(answer.body),
    };
  };
  return { fetch, asked };
}

describe('graphSignIns', () => {
  it('reads interactive (v1.0, paged, throttled) and non-interactive (beta) sign-ins and group audits in the time range', async () => {
    const base = 'https://graph.test';
    const { fetch, asked } = fakeGraph({
      '/v1.0/auditLogs/signIns': [
        { status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': '0.01' } },
        {
          status: 200,
          body: {
            value: [signIn({ id: 'i1' })],
            '@odata.nextLink': `${base}/v1.0/auditLogs/signIns?$skiptoken=x`,
          },
        },
      ],
      '/v1.0/auditLogs/signIns#2': [{ status: 200, body: { value: [signIn({ id: 'i2' })] } }],
      '/beta/auditLogs/signIns': [
        { status: 200, body: { value: [signIn({ id: 'n1', isInteractive: false })] } },
      ],
      '/v1.0/auditLogs/directoryAudits': [
        {
          status: 200,
          body: {
            value: [
              {
                id: 'd1',
                activityDisplayName: 'Add member to group',
                activityDateTime: '2026-11-29T04:00:00Z',
              },
            ],
          },
        },
      ],
      '/v1.0/groups': [{ status: 200, body: { value: [{ id: 'g1', displayName: 'developers' }] } }],
    });
    const waits: number[] = [];
    const client = (version: 'v1.0' | 'beta') =>
      new GraphClient({ baseUrl: base, version, fetch, sleep: async (ms) => void waits.push(ms) });
    const progress: string[] = [];
    const signIns: string[] = [];
    const audits: string[] = [];
    const groups: string[] = [];
    await graphSignIns({
      v1: client('v1.0'),
      beta: client('beta'),
      since: Date.parse('2026-11-29T03:00:00Z'),
      progress: (line) => progress.push(line),
    }).load({
      signIn: (s) => signIns.push(s.id ?? ''),
      directoryAudit: (a) => audits.push(a.id ?? ''),
      group: (g) => groups.push(`${g.id}=${g.displayName}`),
      skipped: () => {},
    });
    assert.deepEqual(groups, ['g1=developers']);
    assert.deepEqual(signIns, ['i1', 'i2', 'n1']);
    assert.deepEqual(audits, ['d1']);
    assert.deepEqual(waits, [10], 'Retry-After honoured');
    assert.ok(
      asked.includes('/v1.0/auditLogs/signIns?$filter=createdDateTime ge 2026-11-29T03:00:00.000Z'),
      asked.join('\n'),
    );
    assert.ok(
      asked.includes(
        "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser') and createdDateTime ge 2026-11-29T03:00:00.000Z",
      ),
    );
    assert.ok(
      asked.includes(
        "/v1.0/auditLogs/directoryAudits?$filter=category eq 'GroupManagement' and activityDateTime ge 2026-11-29T03:00:00.000Z",
      ),
    );
    assert.deepEqual(progress, [
      'read 3 sign-ins, 1 group-management audits, 0 PIM requests and 1 group names from Microsoft Graph',
    ]);
  });

  it('goes on without non-interactive sign-ins or group names when they are refused, and says so', async () => {
    const { fetch } = fakeGraph({
      '/v1.0/auditLogs/signIns': [{ status: 200, body: { value: [signIn({ id: 'i1' })] } }],
      '/beta/auditLogs/signIns': [{ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } }],
      '/v1.0/auditLogs/directoryAudits': [{ status: 200, body: { value: [] } }],
      '/v1.0/groups': [{ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } }],
    });
    const client = (version: 'v1.0' | 'beta') =>
      new GraphClient({ baseUrl: 'https://graph.test', version, fetch });
    const progress: string[] = [];
    const signIns: string[] = [];
    await graphSignIns({ v1: client('v1.0'), beta: client('beta'), progress: (l) => progress.push(l) }).load({
      signIn: (s) => signIns.push(s.id ?? ''),
      directoryAudit: () => {},
      skipped: () => {},
    });
    assert.deepEqual(signIns, ['i1']);
    assert.deepEqual(progress.slice(0, 2), [
      'Microsoft Graph beta answered 403: non-interactive sign-ins not read',
      'Microsoft Graph refused to list groups (403): granting groups are shown by object id',
    ]);
  });
});
