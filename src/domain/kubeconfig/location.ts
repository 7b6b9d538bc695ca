import { delimiter, join } from 'node:path';

/**
 * Which kubeconfig file to write: --kubeconfig, else the first file of
 * KUBECONFIG (kubectl writes new entries there too), else ~/.kube/config.
 */
export function kubeconfigPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  pathDelimiter = delimiter,
): string {
  if (flag) return flag;
  const first = (env.KUBECONFIG ?? '').split(pathDelimiter).find((part) => part.trim() !== '');
  return first ?? join(home, '.kube', 'config');
}
