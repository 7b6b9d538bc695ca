/**
 * Opens kentra's connection to the Kubernetes API (from a kubeconfig) for a
 * command. Microsoft Graph is opened by src/adapters/graph/open-graph.ts.
 */
import { join } from 'node:path';
import { KubeClient } from './kube/client.js';
import { loadKubeConnection } from './kube/kubeconfig.js';

type Env = Readonly<Record<string, string | undefined>>;

/** --kubeconfig, else the first file in $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(flag: string | undefined, env: Env): string {
  return flag ?? env.KUBECONFIG?.split(':')[0] ?? join(env.HOME ?? '.', '.kube', 'config');
}

export async function connectKube(kubeconfig: string, context: string | undefined): Promise<KubeClient> {
  return new KubeClient(await loadKubeConnection(kubeconfig, context));
}
