import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean } from '../../../../src/domain/config-check/suggest.js';

describe('didYouMean', () => {
  it('finds typos and shared stems', () => {
    assert.equal(didYouMean('devs', ['admins', 'developers', 'auditors']), 'developers');
    assert.equal(didYouMean('veiw', ['view', 'edit', 'admin', 'cluster-admin']), 'view');
    assert.equal(didYouMean('clusterrole', ['group', 'clusterRole', 'role']), 'clusterRole');
    assert.equal(didYouMean('team-c', ['team-a', 'kube-system']), 'team-a');
  });

  it('stays quiet when nothing is close', () => {
    assert.equal(didYouMean('payments', ['admins', 'developers']), undefined);
    assert.equal(didYouMean('x', []), undefined);
  });
});
