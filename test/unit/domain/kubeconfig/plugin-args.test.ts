import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlagTable, parsePluginArgs } from '../../../../src/domain/kubeconfig/plugin-args.js';

const table: FlagTable = {
  flags: { login: 'value', 'tenant-id': 'value', legacy: 'bool', scope: 'csv-list', header: 'list' },
  short: { l: 'login', t: 'tenant-id' },
};

const read = (...args: string[]) => {
  const parsed = parsePluginArgs(args, table);
  return {
    values: Object.fromEntries(parsed.values),
    positionals: parsed.positionals,
    unknown: parsed.unknown,
  };
};

describe('reading another plugin’s arguments as spf13/pflag does', () => {
  it('takes --flag value, --flag=value and the shorthands -l value, -lvalue, -l=value', () => {
    for (const args of [['--login', 'spn'], ['--login=spn'], ['-l', 'spn'], ['-lspn'], ['-l=spn']])
      assert.deepEqual(read(...args).values, { login: ['spn'] }, args.join(' '));
  });

  it('keeps the last value of a plain flag, every value of a list, and splits a CSV list', () => {
    assert.deepEqual(
      read('-t', 'a', '--tenant-id=b', '--scope=x,y', '--scope', 'z', '--header', 'a,b').values,
      {
        'tenant-id': ['b'],
        scope: ['x', 'y', 'z'],
        header: ['a,b'],
      },
    );
  });

  it('reads booleans, takes the next argument as a value whatever it looks like, and stops at --', () => {
    assert.deepEqual(read('--legacy', '--login', '--legacy', '--', '--tenant-id', 'x'), {
      values: { legacy: ['true'], login: ['--legacy'] },
      positionals: ['--tenant-id', 'x'],
      unknown: [],
    });
    assert.deepEqual(read('--legacy=false').values, { legacy: ['false'] });
  });

  it('names unknown flags without their values', () => {
    const parsed = read('get-token', '--secret-thing=hunter2', '-x', '--constructor', '--login', 'a');
    assert.deepEqual(parsed.unknown, ['--secret-thing', '-x', '--constructor']);
    assert.deepEqual(parsed.positionals, ['get-token']);
    assert.doesNotMatch(JSON.stringify(parsed.unknown), /hunter2/);
  });
});
