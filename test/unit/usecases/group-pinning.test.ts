/**
 * Group-name squatting (#14.8): a rule that names a group by display name is
 * pinned to the object ID it resolved to, written into kentra.yaml next to the
 * name; when the name later resolves to another group (the original was
 * deleted, or anyone allowed to create groups made a look-alike) kentra
 * refuses instead of binding the newcomer. `entra check` warns when a rule
 * granting admin rights names a group whose owners can add members
 * (not role-assignable).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FetchLike, GraphClient } from '../../../src/adapters/graph/client.js';
import { pinGroupId } from '../../../src/domain/access/edit.js';
import { parseAccessFile } from '../../../src/domain/access/parse.js';
import { formatIssue } from '../../../src/domain/config-check/issues.js';
import { checkRegistration } from '../../../src/domain/entra-app/findings.js';
import { resolveGroups } from '../../../src/usecases/resolve-groups.js';
import { type GraphServer, startGraphServer } from '../../helpers/graph-server.js';
import { graphApplication } from '../domain/entra-app/fixtures.js';

const original = 'a1b2c3d4-0000-4000-8000-000000000001';
const squatter = 'a1b2c3d4-0000-4000-8000-00000000000f';

const access = (rules: Record<string, unknown>[]) => {
  const parsed = parseAccessFile({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
    clusters: [{ name: 'dev' }],
    rules,
  });
  assert.ok(parsed.file, JSON.stringify(parsed.issues));
  return parsed.file;
};

describe('group pinning', () => {
  let server: GraphServer;
  let graph: GraphClient;
  before(async () => {
    server = await startGraphServer({
      groups: [
        { id: squatter, displayName: 'developers' }, // the original was deleted; someone made this one
        { id: original, displayName: 'platform-admins' },
        { id: 'a1b2c3d4-0000-4000-8000-000000000002', displayName: 'on-call' },
        { id: 'a1b2c3d4-0000-4000-8000-000000000003', displayName: 'on-call' },
      ],
    });
    graph = new GraphClient({
      baseUrl: server.baseUrl,
      fetch: globalThis.fetch as FetchLike,
      accessToken: async () => server.token,
    });
  });
  after(() => server.close());

  it('reads rules[].groupId (an object ID) from kentra.yaml', () => {
    const file = access([{ group: 'developers', groupId: original.toUpperCase(), clusterRole: 'view' }]);
    assert.equal(file.rules[0]?.groupId, original);
    const bad = parseAccessFile({
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'Access',
      tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
      clusters: [{ name: 'dev' }],
      rules: [{ group: 'developers', groupId: 'developers', clusterRole: 'view' }],
    });
    assert.match(bad.issues.map((issue) => formatIssue(issue)).join('\n'), /rules\[0\]\.groupId/);
  });

  it('refuses a name that now resolves to another object ID than the pinned one', async () => {
    const file = access([{ group: 'developers', groupId: original, clusterRole: 'edit' }]);
    const { groups, issues } = await resolveGroups(file.rules, graph);
    assert.equal(groups.size, 0, 'the newcomer is not bound');
    const text = issues.map((issue) => formatIssue(issue)).join('\n');
    assert.match(text, /rules\[0\]\.groupId/);
    assert.match(text, new RegExp(`"developers" now resolves to ${squatter}`));
    assert.match(text, new RegExp(original));
  });

  it('with several groups of one name, the pinned one is used', async () => {
    const pinned = 'a1b2c3d4-0000-4000-8000-000000000003';
    const file = access([{ group: 'on-call', groupId: pinned, clusterRole: 'view' }]);
    const { groups, issues } = await resolveGroups(file.rules, graph);
    assert.deepEqual(issues, []);
    assert.equal(groups.get(0)?.id, pinned);
  });

  it('an unpinned name resolves and is reported for pinning', async () => {
    const file = access([{ group: 'platform-admins', clusterRole: 'cluster-admin' }]);
    const { groups, unpinned } = await resolveGroups(file.rules, graph);
    assert.equal(groups.get(0)?.id, original);
    assert.deepEqual(unpinned, [{ ruleIndex: 0, id: original }]);
  });

  it('pinGroupId writes groupId right after the name and keeps comments', () => {
    const text = `rules:\n  - group: developers   # the dev team\n    clusterRole: edit\n  - group: ops\n    clusterRole: view\n`;
    const pinned = pinGroupId(text, 1, original);
    assert.equal(
      pinned,
      `rules:\n  - group: developers # the dev team\n    clusterRole: edit\n  - group: ops\n    groupId: ${original}\n    clusterRole: view\n`,
    );
  });

  it('entra check warns about an admin rule whose group is not role-assignable', () => {
    const findings = checkRegistration({
      application: graphApplication(),
      servicePrincipal: {
        id: 's',
        appId: 'b0000000-0000-4000-8000-000000000002',
        displayName: 'k',
        appRoleAssignmentRequired: true,
      },
      assignments: [],
      adminGroups: [
        { field: 'rules[0].group', name: 'platform-admins', isAssignableToRole: false },
        { field: 'rules[1].group', name: 'owners', isAssignableToRole: true },
      ],
      now: Date.parse('2026-06-01T00:00:00Z'),
    }).filter((finding) => finding.code === 'admin-group-not-role-assignable');
    assert.deepEqual(
      findings.map((finding) => [finding.severity, finding.field]),
      [['warning', 'rules[0].group']],
    );
    assert.match(findings[0]?.message ?? '', /owners of "platform-admins" can add members/);
  });
});
