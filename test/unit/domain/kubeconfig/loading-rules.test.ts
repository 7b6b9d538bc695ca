import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultWriteFile,
  kubeconfigFiles,
  lockOrder,
} from '../../../../src/domain/kubeconfig/loading-rules.js';

const home = '/home/u';

describe('which kubeconfig files kubectl reads (client-go loading rules)', () => {
  const cases: [string, string | undefined, string | undefined, string[]][] = [
    ['KUBECONFIG unset: ~/.kube/config', undefined, undefined, ['/home/u/.kube/config']],
    ['KUBECONFIG empty: ~/.kube/config', undefined, '', ['/home/u/.kube/config']],
    ['a list, in order', undefined, 'a:b', ['a', 'b']],
    ['empty entries are kept (kubectl skips them when reading)', undefined, 'a::b', ['a', '', 'b']],
    ['duplicates once, first place', undefined, 'b:a:b', ['b', 'a']],
    ['--kubeconfig replaces the list', 'x', 'a:b', ['x']],
    ['--kubeconfig "" is no flag', '', 'a', ['a']],
  ];
  for (const [title, flag, list, expected] of cases)
    it(title, () => {
      const env = list === undefined ? {} : { KUBECONFIG: list };
      assert.deepEqual(kubeconfigFiles(flag, env, home, ':').precedence, expected);
    });
});

describe('which file kubectl writes (PathOptions.GetDefaultFilename)', () => {
  const write = (list: string, existing: string[], flag?: string) =>
    defaultWriteFile(kubeconfigFiles(flag, { KUBECONFIG: list }, home, ':'), (path) =>
      existing.includes(path),
    );
  it('the only file of the list, existing or not', () => assert.equal(write('a', []), 'a'));
  it('the first file that exists', () => assert.equal(write('a:b:c', ['c', 'b']), 'b'));
  it('the last file when none exists', () => assert.equal(write('a:b', []), 'b'));
  it('empty entries do not count (kubectl would pick "" and fail)', () => {
    assert.equal(write('a:', []), 'a');
    assert.equal(write('a::', []), 'a');
    assert.equal(write(':', []), undefined);
  });
  it('--kubeconfig, whether it exists or not', () => assert.equal(write('a:b', ['a'], 'x'), 'x'));
  it('~/.kube/config without KUBECONFIG', () =>
    assert.equal(
      defaultWriteFile(kubeconfigFiles(undefined, {}, home, ':'), () => false),
      '/home/u/.kube/config',
    ));
});

describe('the files a writer locks (ModifyConfig)', () => {
  it('are every named file of the list, sorted', () => {
    assert.deepEqual(lockOrder(kubeconfigFiles(undefined, { KUBECONFIG: 'b::a' }, home, ':')), ['a', 'b']);
  });
});
