/**
 * Which kubeconfig files kubectl reads, and which one it writes, from
 * `--kubeconfig`, `KUBECONFIG` and the home folder. One answer for every
 * kentra command, so that what `kentra kubeconfig` writes is what `kentra
 * whoami` reads (and what kubectl reads).
 *
 * Rules, from client-go k8s.io/client-go/tools/clientcmd:
 * - loader.go `NewDefaultClientConfigLoadingRules`: a non-empty `KUBECONFIG` is
 *   split with the OS list separator (`filepath.SplitList`) and deduplicated,
 *   keeping order; unset or empty means `~/.kube/config` alone.
 *   `--kubeconfig` (ExplicitPath) replaces the whole list with one file.
 * - loader.go `Load`: empty names in the list are skipped, so are missing files;
 *   a missing `--kubeconfig` file is an error when connecting.
 * - config.go `PathOptions.GetDefaultFilename` (what `kubectl config set-*`
 *   writes new entries and current-context into): the explicit file; else the
 *   only file of `KUBECONFIG`; else its first file that exists; else its last
 *   file; else `~/.kube/config`. (loader.go's own GetDefaultFilename picks the
 *   first file when none exists, but kubectl's config commands use PathOptions.)
 *
 * One deliberate difference: kubectl counts empty list entries when it picks
 * the file to write (`KUBECONFIG=a:` gives `""` and kubectl fails with
 * "open : no such file"); kentra ignores them and writes `a`.
 */
import { join } from 'node:path';

export interface KubeconfigFiles {
  /** `--kubeconfig` was given: exactly one file, which must exist to connect with. */
  explicit: boolean;
  /** kubectl's loading precedence, deduplicated, as written (empty entries kept, like kubectl). */
  precedence: string[];
}

export function kubeconfigFiles(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  listSeparator: string,
): KubeconfigFiles {
  if (flag !== undefined && flag !== '') return { explicit: true, precedence: [flag] };
  const list = env.KUBECONFIG ?? '';
  if (list === '') return { explicit: false, precedence: [join(home, '.kube', 'config')] };
  return { explicit: false, precedence: [...new Set(list.split(listSeparator))] };
}

/**
 * The file kubectl writes new entries and current-context into (see above);
 * `exists` says which files exist. Undefined when the list names no file at
 * all (`KUBECONFIG=:`), where kubectl fails too.
 */
export function defaultWriteFile(
  files: KubeconfigFiles,
  exists: (path: string) => boolean,
): string | undefined {
  const named = files.precedence.filter((path) => path !== '');
  if (files.explicit || named.length <= 1) return named[0];
  return named.find(exists) ?? named.at(-1);
}

/** The files to lock before a write: every file of the precedence, sorted, as kubectl's ModifyConfig does. */
export function lockOrder(files: KubeconfigFiles): string[] {
  return files.precedence.filter((path) => path !== '').sort();
}
