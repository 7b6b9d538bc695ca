import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { kubectlDecodeProblems, kubectlYaml } from '../../../../src/domain/kubeconfig/shape.js';
import { readByKubectl, refusedByKubectl } from '../../../fixtures/kubeconfig/decode-cases.js';

describe('what kubectl refuses to read', () => {
  for (const [text, problem] of refusedByKubectl)
    it(text, () => {
      const problems = kubectlDecodeProblems(parse(text, kubectlYaml));
      assert.equal(`${problems[0]?.path}: ${problems[0]?.message}`, problem);
    });
  for (const text of readByKubectl)
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(kubectlDecodeProblems(parse(text, kubectlYaml)), []);
    });

  it('never puts a value in a message (it may be a password)', () => {
    const problems = kubectlDecodeProblems(
      parse('users: [{name: u, user: {password: 912345678}}]', kubectlYaml),
    );
    assert.equal(problems.length, 1);
    assert.doesNotMatch(JSON.stringify(problems), /912345678/);
  });
});
