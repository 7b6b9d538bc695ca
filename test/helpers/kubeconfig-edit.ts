/** A KubeconfigEdit over in-memory files, as the kubeconfig source hands one out (files in precedence order). */
import { Document, parseDocument } from 'yaml';
import type { KubeconfigEdit } from '../../src/domain/kubeconfig/merge.js';
import { mergeKubeconfigs } from '../../src/domain/kubeconfig/merged.js';
import { kubectlYaml } from '../../src/domain/kubeconfig/shape.js';

export function editOf(
  files: Record<string, string>,
  defaultFile = Object.keys(files)[0] ?? '/new',
): KubeconfigEdit {
  const docs = new Map<string, Document>(
    Object.entries(files).map(([path, text]) => [path, parseDocument(text, kubectlYaml)]),
  );
  const merge = () =>
    mergeKubeconfigs(
      [...docs].map(([path, doc]) => ({ path, config: (doc.toJS() ?? {}) as Record<string, unknown> })),
    );
  return {
    merged: merge(),
    defaultFile,
    document: (path) => {
      if (!docs.has(path)) docs.set(path, new Document({}, kubectlYaml));
      return docs.get(path) as Document;
    },
    current: merge,
  };
}
