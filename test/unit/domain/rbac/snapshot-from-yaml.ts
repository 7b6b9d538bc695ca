import { parseAllDocuments } from 'yaml';
import type { RbacSnapshot } from '../../../../src/domain/rbac/model.js';
import { RbacCollector } from '../../../../src/domain/rbac/parse.js';

/** Test manifests read like the YAML people write; this turns them into a snapshot. */
export function snapshotFromYaml(text: string): RbacSnapshot {
  const collector = new RbacCollector();
  parseAllDocuments(text).forEach((document, index) => {
    collector.add(document.toJS(), `test document ${index + 1}`);
  });
  return collector.result().snapshot;
}

export function request(
  verb: string,
  resource: string,
  options: { group?: string; subresource?: string; name?: string; namespace?: string } = {},
) {
  return {
    verb,
    resource,
    apiGroup: options.group ?? '',
    subresource: options.subresource ?? '',
    name: options.name ?? '',
    namespace: options.namespace ?? '',
  };
}
