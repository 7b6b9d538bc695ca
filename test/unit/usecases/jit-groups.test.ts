import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FetchLike, GraphClient } from '../../../src/adapters/graph/client.js';
import { fetchTrusting } from '../../../src/adapters/http-fetch.js';
import type { AccessRule } from '../../../src/domain/access/model.js';
import { demoPimGroups } from '../../../src/emulator/default-seed.js';
import { jitGroupFacts } from '../../../src/usecases/jit-groups.js';
import { type EmulatorHandle, startEmulator } from '../../harness/emulator.js';

const rule = (index: number, group: string): AccessRule => ({
  index,
  group,
  roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
  scope: { kind: 'cluster' },
  jit: true,
});

describe('jit groups in PIM (emulator Graph, app-only reads)', () => {
  let entra: EmulatorHandle;
  let graph: GraphClient;
  before(async () => {
    entra = await startEmulator();
    graph = new GraphClient({
      baseUrl: entra.url,
      fetch: fetchTrusting(entra.caPem) as FetchLike,
      accessToken: () => entra.graphToken(),
    });
  });
  after(() => entra.stop());

  it('tells a PIM group without standing members from a plain group and from one with a permanent member', async () => {
    const facts = await jitGroupFacts([rule(0, demoPimGroups.oncall), rule(1, 'platform-admins')], graph);
    assert.deepEqual(facts, [
      { rule: 'rules[0]', group: demoPimGroups.oncall, pimManaged: true, permanentMembers: [] },
      {
        rule: 'rules[1]',
        group: 'platform-admins',
        pimManaged: false,
        permanentMembers: [entra.users.admin.oid],
      },
    ]);
    entra.control.addToGroup(entra.users.guest.upn, demoPimGroups.oncall);
    const [withMember] = await jitGroupFacts([rule(0, demoPimGroups.oncall)], graph);
    assert.deepEqual(
      withMember?.permanentMembers,
      [entra.users.guest.oid],
      'a member added outside PIM is permanent',
    );
  });
});
