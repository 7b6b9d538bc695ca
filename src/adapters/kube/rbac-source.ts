/**
 * Where RBAC objects come from: a live cluster (through KubeClient, every page
 * of every list) or manifest files and folders (YAML with several documents,
 * JSON, and `kind: List` / `RoleList`... as `kubectl get -o yaml` writes them).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type ParsedRbac, RbacCollector } from '../../domain/rbac/parse.js';
import { type CatalogResource, servedResource } from '../../domain/rbac/resource-catalog.js';
import { KentraError } from '../../errors.js';
import { type KubeClient, KubeRequestError } from './client.js';

const manifestExtensions = ['.yaml', '.yml', '.json'];

/** Files (or folders, searched recursively for .yaml/.yml/.json) in the order given, folders sorted. */
export async function loadRbacFromFiles(paths: readonly string[]): Promise<ParsedRbac & { files: string[] }> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await manifestFiles(path)));
  const collector = new RbacCollector();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new KentraError('io.read', `cannot read ${file}`, { cause, hint: 'Check the path given to -f.' });
    }
    addManifestText(collector, text, file);
  }
  return { ...collector.result(), files };
}

/** Parses one file's text (several YAML documents, or JSON) into the collector. */
export function addManifestText(collector: RbacCollector, text: string, file: string): void {
  parseAllDocuments(text).forEach((document, index) => {
    const where = `${file}: document ${index + 1}`;
    const problem = document.errors[0];
    if (problem)
      throw new KentraError('config.invalid', `${where}: not valid YAML: ${problem.message.split('\n')[0]}`, {
        hint: 'Fix the YAML syntax (line and column are in the message).',
      });
    collector.add(document.toJS(), where);
  });
}

async function manifestFiles(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new KentraError('io.read', `no such file or folder: ${path}`, {
      cause,
      hint: 'Check the path given to -f.',
    });
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && manifestExtensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

interface KubeList {
  kind?: string;
  items?: unknown[];
  metadata?: { continue?: string };
}

const rbacLists = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'] as const;

/** Every Role, ClusterRole, RoleBinding, ClusterRoleBinding and Namespace of the cluster. */
export async function loadRbacFromCluster(client: KubeClient): Promise<ParsedRbac> {
  const collector = new RbacCollector();
  const lists = await Promise.all([
    ...rbacLists.map((resource) => listAll(client, `/apis/rbac.authorization.k8s.io/v1/${resource}`)),
    listAll(client, '/api/v1/namespaces'),
  ]);
  for (const list of lists) collector.add(list.object, `${client.server}${list.path}`);
  return collector.result();
}

async function listAll(client: KubeClient, path: string): Promise<{ path: string; object: KubeList }> {
  const items: unknown[] = [];
  let kind: string | undefined;
  let next: string | undefined;
  do {
    const page = await client
      .get<KubeList>(path, { limit: '500', continue: next })
      .catch((cause: unknown) => {
        if (cause instanceof KubeRequestError && (cause.status === 401 || cause.status === 403))
          throw new KentraError('kube.request', `not allowed to list ${path} (${cause.status})`, {
            cause,
            hint: 'kentra access reads every Role, ClusterRole, RoleBinding, ClusterRoleBinding and Namespace: use a kubeconfig whose user may list them (or pass manifests with -f).',
            details: { status: cause.status },
          });
        throw cause;
      });
    kind ??= page.kind;
    items.push(...(page.items ?? []));
    next = page.metadata?.continue || undefined;
  } while (next);
  return { path, object: { kind: kind ?? 'List', items } };
}

interface DiscoveryResourceList {
  resources?: { name: string; namespaced: boolean }[];
}

interface DiscoveryGroupList {
  groups?: { name: string; preferredVersion?: { groupVersion: string } }[];
}

/**
 * The resources the cluster serves and their scope, from discovery (/api/v1 and
 * each group's preferred version). A group whose discovery fails (an aggregated
 * API that is down) is left out and named in `unavailable`.
 */
export async function discoverResources(
  client: KubeClient,
): Promise<{ resources: CatalogResource[]; unavailable: string[] }> {
  const groups = await client.get<DiscoveryGroupList>('/apis');
  const versions = [
    { group: '', path: '/api/v1' },
    ...(groups.groups ?? []).flatMap((group) =>
      group.preferredVersion
        ? [{ group: group.name, path: `/apis/${group.preferredVersion.groupVersion}` }]
        : [],
    ),
  ];
  const unavailable: string[] = [];
  const lists = await Promise.all(
    versions.map(async ({ group, path }) => {
      try {
        const list = await client.get<DiscoveryResourceList>(path);
        return (list.resources ?? []).map((resource) =>
          servedResource(group, resource.name, resource.namespaced),
        );
      } catch {
        unavailable.push(group);
        return [];
      }
    }),
  );
  return { resources: lists.flat(), unavailable };
}
