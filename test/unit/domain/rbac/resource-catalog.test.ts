/** Matrix columns: built-in resources, resources named by rules, and the scope discovery or CRDs give them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RbacCollector } from '../../../../src/domain/rbac/parse.js';
import { catalogFor, resourceLabel, servedResource } from '../../../../src/domain/rbac/resource-catalog.js';

const rule = {
  verbs: ['get'],
  apiGroups: ['example.com', '*'],
  resources: ['widgets', 'widgets/status', '*/scale'],
  resourceNames: [],
  nonResourceURLs: [],
};

describe('catalogFor', () => {
  it('adds resources rules name without wildcards, namespaced unless told otherwise', () => {
    const catalog = catalogFor([rule]);
    const added = catalog.filter((resource) => resource.apiGroup === 'example.com');
    assert.deepEqual(
      added.map((resource) => [resourceLabel(resource), resource.namespaced]),
      [
        ['widgets.example.com', true],
        ['widgets.example.com/status', true],
      ],
    );
    assert.ok(catalog.some((resource) => resourceLabel(resource) === 'nodes' && !resource.namespaced));
  });

  it('takes the scope from what the cluster serves (discovery, or CRDs among the manifests)', () => {
    const served = [servedResource('example.com', 'widgets', false), servedResource('', 'pods', true)];
    const widgets = catalogFor([rule], served).find(
      (resource) => resourceLabel(resource) === 'widgets.example.com',
    );
    assert.equal(widgets?.namespaced, false);

    const collector = new RbacCollector();
    collector.add(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Cluster',
          names: { plural: 'widgets' },
          versions: [{ name: 'v1', subresources: { status: {}, scale: {} } }],
        },
      },
      'crd.yaml',
    );
    assert.deepEqual(
      collector.result().served.map((resource) => [resourceLabel(resource), resource.namespaced]),
      [
        ['widgets.example.com', false],
        ['widgets.example.com/status', false],
        ['widgets.example.com/scale', false],
      ],
    );
  });
});
