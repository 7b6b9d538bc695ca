/**
 * The held directory beyond what the model test drives: groups granted by
 * display name, a group nested under a granted one after its delta item was
 * seen (its members are read on demand), a full round that removes what it
 * no longer lists, the snapshot round trip, and counts without personal data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeBatch } from '../../../src/webhook/directory-changes.js';
import { DirectoryState } from '../../../src/webhook/directory-state.js';

const user = (id: string, enabled = true) => ({ t: 'user' as const, id, enabled });
const members = (...ids: string[]) =>
  ids.map((id) => (id.startsWith('g') ? { id, group: true as const } : { id }));
const full = (stream: 'users' | 'groups', changes: ChangeBatch['changes']): ChangeBatch => ({
  stream,
  changes,
  fullStart: true,
  cursor: `${stream}-link`,
  syncedFrom: 1000,
});

describe('DirectoryState', () => {
  it('holds the members of groups granted by name and of what nests under them, nothing else', () => {
    const state = new DirectoryState({ ids: [], names: ['Platform'] });
    state.apply(full('users', [user('u1'), user('u2'), user('u3')]));
    state.apply(
      full('groups', [
        { t: 'group', id: 'g-child', name: 'child', add: members('u2') },
        { t: 'group', id: 'g-platform', name: 'Platform', add: members('u1', 'g-child') },
        { t: 'group', id: 'g-other', name: 'Other', add: members('u3') },
      ]),
    );
    assert.deepEqual([...state.groupsOf('u1')], ['g-platform']);
    assert.deepEqual(state.pendingMembers(), ['g-child'], 'listed before it entered the scope');
    assert.deepEqual([...state.groupsOf('u2')], [], 'its members are not known yet');
    state.apply({
      stream: 'groups',
      changes: [{ t: 'group-members', id: 'g-child', members: members('u2') }],
    });
    assert.deepEqual(state.pendingMembers(), []);
    assert.deepEqual([...state.groupsOf('u2')].sort(), ['g-child', 'g-platform'], 'nested, transitively');
    assert.deepEqual([...state.groupsOf('u3')], [], 'a group no rule grants through is not held');
    assert.equal(state.counts().memberships, 2);
  });

  it('a full round removes users and groups it no longer lists, and stamps the users concerned', () => {
    const state = new DirectoryState();
    state.apply(full('users', [user('u1'), user('u2')]));
    state.apply(full('groups', [{ t: 'group', id: 'g1', add: members('u1', 'u2') }]));
    const before = state.stampOf('u2');
    state.apply(full('users', [user('u1')]));
    state.apply(full('groups', [{ t: 'group', id: 'g1', add: members('u1') }]));
    assert.equal(state.user('u2'), undefined);
    assert.deepEqual([...state.groupsOf('u1')], ['g1']);
    assert.deepEqual([...state.groupsOf('u2')], []);
    assert.ok(state.stampOf('u2') > before, 'remembered answers about u2 end');
  });

  it('survives a snapshot round trip, cursors and freshness included', () => {
    const state = new DirectoryState({ ids: ['g1'], names: [] });
    state.apply(full('users', [user('u1'), user('u2', false)]));
    state.apply(
      full('groups', [
        { t: 'group', id: 'g1', add: members('u1', 'g2') },
        { t: 'group', id: 'g2', add: members('u2') },
      ]),
    );
    const copy = new DirectoryState({ ids: ['g1'], names: [] });
    copy.load(JSON.parse(JSON.stringify(state.dump())));
    assert.deepEqual(copy.dump(), state.dump());
    assert.equal(copy.user('u2')?.enabled, false);
    assert.deepEqual([...copy.groupsOf('u2')].sort(), ['g1', 'g2']);
    assert.equal(copy.cursors.users, 'users-link');
    assert.equal(copy.syncedAt, 1000);
  });
});
