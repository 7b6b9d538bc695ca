import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * `$KUBECACHEDIR/kentra`, else `~/.kube/cache/kentra`: beside kubectl's own
 * discovery cache and int128/kubelogin's `oidc-login` folder, honouring the same
 * variable (int128/kubelogin PR #975).
 */
export function tokenCacheDir(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  const base = env.KUBECACHEDIR?.trim() ? env.KUBECACHEDIR : join(home, '.kube', 'cache');
  return join(base, 'kentra');
}
