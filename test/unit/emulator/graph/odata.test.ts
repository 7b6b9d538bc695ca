import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphFailure } from '../../../../src/emulator/errors.js';
import { parseFilter, project } from '../../../../src/emulator/graph/odata.js';

const rows = [
  {
    id: '1',
    displayName: 'developers',
    securityEnabled: true,
    createdDateTime: '2026-01-01T00:00:00Z',
    signInEventTypes: ['interactiveUser'],
  },
  {
    id: '2',
    displayName: "O'Brien team",
    securityEnabled: false,
    createdDateTime: '2026-03-01T00:00:00Z',
    signInEventTypes: ['nonInteractiveUser'],
  },
];

function ids(filter: string): string[] {
  const predicate = parseFilter(filter);
  return rows.filter(predicate).map((r) => r.id);
}

describe('OData $filter and $select', () => {
  it('compares strings case-insensitively and handles quotes, and/or, booleans and dates', () => {
    assert.deepEqual(ids("displayName eq 'Developers'"), ['1']);
    assert.deepEqual(ids("displayName eq 'O''Brien team'"), ['2']);
    assert.deepEqual(ids('securityEnabled eq false'), ['2']);
    assert.deepEqual(ids('createdDateTime ge 2026-02-01T00:00:00Z'), ['2']);
    assert.deepEqual(ids("displayName eq 'developers' or id eq '2'"), ['1', '2']);
    assert.deepEqual(ids("startswith(displayName,'dev') and securityEnabled eq true"), ['1']);
    assert.deepEqual(ids("id in ('2', '3')"), ['2']);
    assert.deepEqual(ids("signInEventTypes/any(t: t eq 'nonInteractiveUser')"), ['2']);
  });

  it('rejects what it does not understand with Request_UnsupportedQuery', () => {
    for (const filter of ["contains(displayName,'x')", "colour eq 'blue'", 'displayName eq blue']) {
      assert.throws(
        () => rows.filter(parseFilter(filter)),
        (error: unknown) => error instanceof GraphFailure && error.code === 'Request_UnsupportedQuery',
        filter,
      );
    }
  });

  it('projects only the selected properties', () => {
    assert.deepEqual(project(rows[0] as Record<string, unknown>, 'displayName, id'), {
      displayName: 'developers',
      id: '1',
    });
    assert.deepEqual(project(rows[0] as Record<string, unknown>, null), rows[0]);
  });
});
