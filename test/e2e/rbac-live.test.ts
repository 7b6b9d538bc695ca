/**
 * The foundation's proof that the test world is real: RBAC decisions come from
 * the upstream kube-apiserver and are observed through the machine's kubectl,
 * both with `kubectl auth can-i` and with real requests.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ControlPlane } from '../harness/control-plane.js';
import { kubectl } from '../harness/kubectl.js';
import { sharedControlPlane } from '../harness/world.js';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
data: {colour: blue}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-b}
data: {colour: red}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: configmap-reader, namespace: team-a}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-reads-configmaps, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`;

describe('RBAC on the real kube-apiserver, seen through the real kubectl', () => {
  let cluster: ControlPlane;
  let alice: string;

  before(async () => {
    cluster = await sharedControlPlane();
    const applied = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], { input: manifests });
    assert.equal(applied.code, 0, applied.stderr);
    alice = await cluster.userKubeconfig('alice');
  });

  async function canI(verb: string, resource: string, namespace: string): Promise<string> {
    const result = await kubectl(alice, ['auth', 'can-i', verb, resource, '-n', namespace]);
    // can-i exits 0 for yes and 1 for no; anything else is an error, not an answer.
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return result.stdout.trim();
  }

  it('answers can-i exactly as the Role grants', async () => {
    assert.equal(await canI('get', 'configmaps', 'team-a'), 'yes');
    assert.equal(await canI('list', 'configmaps', 'team-a'), 'no');
    assert.equal(await canI('get', 'configmaps', 'team-b'), 'no');
    assert.equal(await canI('*', '*', 'team-b'), 'no');
    assert.equal(await canI('get', 'secrets', 'team-a'), 'no');
  });

  it('lets alice get the configmap in team-a', async () => {
    const result = await kubectl(alice, [
      'get',
      'configmap',
      'settings',
      '-n',
      'team-a',
      '-o',
      'jsonpath={.data.colour}',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'blue');
  });

  it('forbids alice to list configmaps in team-a', async () => {
    const result = await kubectl(alice, ['get', 'configmaps', '-n', 'team-a']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Forbidden.*"alice" cannot list resource "configmaps".*namespace "team-a"/);
  });

  it('forbids alice everything in team-b', async () => {
    const get = await kubectl(alice, ['get', 'configmap', 'settings', '-n', 'team-b']);
    assert.equal(get.code, 1);
    assert.match(get.stderr, /Forbidden.*"alice" cannot get resource "configmaps".*namespace "team-b"/);
    const del = await kubectl(alice, ['delete', 'configmap', 'settings', '-n', 'team-b']);
    assert.equal(del.code, 1);
    assert.match(del.stderr, /Forbidden/);
    const still = await kubectl(cluster.adminKubeconfig, ['get', 'configmap', 'settings', '-n', 'team-b']);
    assert.equal(still.code, 0, 'the forbidden delete must not have happened');
  });
});
