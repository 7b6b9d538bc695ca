/**
 * The kubeconfig kubectl sees when `KUBECONFIG` lists several files, and the
 * context it connects with.
 *
 * client-go k8s.io/client-go/tools/clientcmd/loader.go `Load`: "The first file
 * to set a particular map key wins and map key's value is never changed ...
 * if two files specify a red-user, only values from the first file's red-user
 * are used. Even non-conflicting entries from the second file's red-user are
 * discarded." Plain values (current-context) merge in reverse order where an
 * empty value never overrides, so the first non-empty one wins.
 * `ResolveLocalPaths`: relative file references resolve against the folder of
 * the file the entry came from (`LocationOfOrigin`); `exec.command` only when
 * it holds a path separator (a bare name is looked up in PATH).
 * Overrides (`--context`) come from client_config.go: the named context
 * replaces current-context.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { KentraError } from '../../errors.js';
import { type EntryKind, namedLists } from './named-lists.js';

export type { EntryKind } from './named-lists.js';

type Dict = Record<string, unknown>;

/** One file as read and checked: `config` is its YAML (kubectl's decode rules already hold). */
export interface KubeconfigFile {
  /** Absolute path. */
  path: string;
  config: Dict;
}

/** A named entry and where it lives (kubectl's LocationOfOrigin plus its index in that file's list). */
export interface Located {
  name: string;
  /** The entry's body (`cluster:`, `user:` or `context:`), as written in the file. */
  value: Dict;
  file: string;
  index: number;
}

export interface MergedKubeconfig {
  /** The files that were read, in precedence order (missing ones are not here). */
  files: string[];
  /** '' when no file sets one. */
  currentContext: string;
  clusters: Map<string, Located>;
  users: Map<string, Located>;
  contexts: Map<string, Located>;
}

export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: files.map((file) => file.path),
    currentContext: '',
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const file of files) {
    const current = file.config['current-context'];
    if (merged.currentContext === '' && typeof current === 'string') merged.currentContext = current;
    for (const [list, kind] of namedLists) {
      const items = file.config[list];
      if (!Array.isArray(items)) continue;
      const into = entriesOf(merged, kind);
      items.forEach((item: unknown, index) => {
        const entry = (item ?? {}) as Dict;
        const name = typeof entry.name === 'string' ? entry.name : '';
        if (into.has(name)) return;
        const value = entry[kind];
        into.set(name, { name, value: isDict(value) ? value : {}, file: file.path, index });
      });
    }
  }
  return merged;
}

export function entriesOf(merged: MergedKubeconfig, kind: EntryKind): Map<string, Located> {
  return kind === 'cluster' ? merged.clusters : kind === 'user' ? merged.users : merged.contexts;
}

/** A context with its cluster and user, file references made absolute. */
export interface ResolvedContext {
  name: string;
  context: Located;
  cluster?: Located;
  user?: Located;
  namespace?: string;
}

/** The context to use: `name` (the --context override) else current-context, as kubectl chooses. */
export function selectContext(merged: MergedKubeconfig, name: string | undefined): ResolvedContext {
  const wanted = name !== undefined && name !== '' ? name : merged.currentContext;
  const where = merged.files.length > 0 ? merged.files.join(', ') : 'no kubeconfig file';
  if (wanted === '')
    throw new KentraError('config.invalid', `no context given and no current-context set (${where})`, {
      hint: 'Pass --context NAME (kubectl config get-contexts lists them), or set one with kubectl config use-context.',
    });
  const context = merged.contexts.get(wanted);
  if (!context)
    throw new KentraError('config.invalid', `no context named "${wanted}" in ${where}`, {
      hint: 'List contexts with `kubectl config get-contexts`; check --kubeconfig and KUBECONFIG.',
    });
  const clusterName = context.value.cluster;
  const userName = context.value.user;
  const cluster = typeof clusterName === 'string' ? merged.clusters.get(clusterName) : undefined;
  const user = typeof userName === 'string' ? merged.users.get(userName) : undefined;
  const namespace = context.value.namespace;
  return {
    name: wanted,
    context,
    cluster: cluster && withAbsolutePaths(cluster, clusterFileFields),
    user: user && withAbsolutePaths(user, userFileFields),
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
  };
}

const clusterFileFields = ['certificate-authority'];
const userFileFields = ['client-certificate', 'client-key', 'tokenFile'];

/** A copy of the entry with relative file references resolved against its file's folder. */
function withAbsolutePaths(entry: Located, fields: readonly string[]): Located {
  const base = dirname(entry.file);
  const value: Dict = { ...entry.value };
  for (const field of fields) if (field in value) value[field] = absolute(value[field], base);
  const exec = value.exec;
  if (isDict(exec) && typeof exec.command === 'string' && exec.command.includes('/'))
    value.exec = { ...exec, command: absolute(exec.command, base) };
  return { ...entry, value };
}

function absolute(path: unknown, base: string): unknown {
  if (typeof path !== 'string' || path === '' || isAbsolute(path)) return path;
  return join(base, path);
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
