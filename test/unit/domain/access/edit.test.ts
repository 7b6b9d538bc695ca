import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { setAccessFileField } from '../../../../src/domain/access/edit.js';
import { starterAccessFile } from '../../../../src/domain/access/starter.js';

describe('setAccessFileField', () => {
  it('writes an ID back and keeps every comment and the order of the file', () => {
    const before = starterAccessFile();
    const after = setAccessFileField(before, ['app', 'clientId'], '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c');
    assert.equal(parse(after).app.clientId, '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c');
    // yaml may re-indent a comment block between two sections; its text must survive.
    const comments = (text: string) =>
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.startsWith('#') && !line.includes('clientId'));
    assert.deepEqual(comments(after), comments(before));
    assert.ok(after.indexOf('clientId') < after.indexOf('clusters:'), 'the new field stays inside app');
  });
});
