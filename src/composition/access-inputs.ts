/**
 * Where `kentra access matrix|explain` read RBAC from: manifests, or a live
 * cluster's RBAC objects and discovery through the root's one kubeconfig
 * seam (handed in by root.ts); and the Entra names file, as YAML or JSON.
 */
import { parse } from 'yaml';
import type { KubeClient } from '../adapters/kube/client.js';
import { discoverResources, loadRbacFromCluster, loadRbacFromFiles } from '../adapters/kube/rbac-source.js';
import { KentraError } from '../errors.js';
import type { AccessInputDeps } from '../usecases/access-inputs.js';

export function accessInputDeps(io: {
  kube: () => Promise<KubeClient>;
  readText: (path: string) => Promise<string>;
  progress: (line: string) => void;
}): AccessInputDeps {
  return {
    rbacFromFiles: loadRbacFromFiles,
    rbacFromCluster: async () => {
      const client = await io.kube();
      try {
        const [rbac, discovery] = await Promise.all([loadRbacFromCluster(client), discoverResources(client)]);
        return {
          ...rbac,
          server: client.server,
          served: discovery.resources,
          unavailable: discovery.unavailable,
        };
      } finally {
        client.close();
      }
    },
    readDocument: async (path) => {
      let text: string;
      try {
        text = await io.readText(path);
      } catch (cause) {
        throw new KentraError('io.read', `cannot read ${path}`, {
          cause,
          hint: 'Check the path given to --names.',
        });
      }
      try {
        return parse(text) as unknown;
      } catch (cause) {
        throw new KentraError('config.invalid', `${path}: not valid YAML or JSON`, {
          cause,
          hint: 'Fix the syntax.',
        });
      }
    },
    progress: io.progress,
  };
}
