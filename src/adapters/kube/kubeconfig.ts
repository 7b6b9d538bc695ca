/**
 * kentra's one kubeconfig source: every command that reads or writes a
 * kubeconfig opens it here, so all of them see the files kubectl sees and
 * write the file kubectl would write.
 *
 * - Which files: `--kubeconfig`, else `KUBECONFIG`, else ~/.kube/config
 *   (domain/kubeconfig/loading-rules.ts, client-go clientcmd loader.go).
 * - Reading: each file decoded as kubectl decodes it (shape.ts), merged first
 *   file wins (merged.ts, loader.go `Load`); `--context` overrides
 *   current-context.
 * - Writing (`modify`): kubectl's lock on every file (kubeconfig-lock.ts, config.go
 *   `ModifyConfig`), the files read again under the lock, entries changed where
 *   they live or added to the default file (merge.ts), each changed file
 *   replaced atomically through its symlink, keeping its mode (atomic-file.ts).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { Document, parseDocument, type ToStringOptions } from 'yaml';
import {
  defaultWriteFile,
  type KubeconfigFiles,
  kubeconfigFiles,
  lockOrder,
} from '../../domain/kubeconfig/loading-rules.js';
import type { KubeconfigEdit } from '../../domain/kubeconfig/merge.js';
import {
  type KubeconfigFile,
  type MergedKubeconfig,
  mergeKubeconfigs,
  type ResolvedContext,
  selectContext,
} from '../../domain/kubeconfig/merged.js';
import { kubectlDecodeProblems, kubectlYaml, yamlStyleOf } from '../../domain/kubeconfig/shape.js';
import { KentraError } from '../../errors.js';
import { replaceFile } from '../atomic-file.js';
import { lockFiles } from './kubeconfig-lock.js';

export interface KubeConnection {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** The context the connection came from (for messages). */
  context?: string;
}

/** The flags every command that reads a kubeconfig takes, as kubectl's. */
export interface KubeconfigSelection {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
}

export interface KubeconfigPlace {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface KubeconfigSource {
  /** kubectl's loading precedence, absolute ('' entries kept, as kubectl keeps them). */
  readonly files: KubeconfigFiles;
  /** The --context override, if any. */
  readonly contextOverride: string | undefined;
  /** The merged view. A --kubeconfig file must exist (as kubectl requires to connect). */
  read(): Promise<MergedKubeconfig>;
  /** A context (default: --context, else current-context) with its cluster and user. */
  context(name?: string): Promise<ResolvedContext>;
  /** Server, CA and credentials of a context, for kentra's own Kubernetes client. */
  connection(name?: string): Promise<KubeConnection>;
  /**
   * Changes the files under kubectl's lock. `edit` sees the files as they are
   * now; every document it changed is written back when it returns (unless
   * `dryRun`: then nothing is locked or written); nothing is written when it throws.
   */
  modify<T>(
    edit: (edit: KubeconfigEdit) => T | Promise<T>,
    options?: { dryRun?: boolean },
  ): Promise<Modified<T>>;
}

export interface Modified<T> {
  result: T;
  /** Each file the edit changed: its text before ('' when new) and after. */
  files: ChangedFile[];
}

export interface ChangedFile {
  path: string;
  /** The file as it was read ('' when new). */
  original: string;
  /** The same, as kentra's YAML writer prints it (equal to `original` for files kubectl wrote). */
  before: string;
  after: string;
}

export interface KubeconfigSourceOptions {
  /** How long a write waits for another writer's lock (default 10 s). */
  lockTimeoutMs?: number;
}

interface ReadFile {
  path: string;
  /** undefined: the file does not exist. */
  text?: string;
  doc?: Document;
}

type Parsed = Pick<ReadFile, 'path' | 'doc'>;

export function openKubeconfig(
  selection: KubeconfigSelection,
  place: KubeconfigPlace,
  options: KubeconfigSourceOptions = {},
): KubeconfigSource {
  const home = place.env.HOME || homedir();
  const given = kubeconfigFiles(selection.kubeconfig, place.env, home, delimiter);
  const files: KubeconfigFiles = {
    explicit: given.explicit,
    precedence: given.precedence.map((path) => (path === '' ? '' : resolve(place.cwd, path))),
  };
  const contextOverride = selection.context || undefined;

  const read = async () => {
    const loaded = await readAll(files);
    const explicit = loaded[0];
    if (files.explicit && explicit?.text === undefined)
      throw new KentraError('io.read', `kubeconfig ${explicit?.path} does not exist`, {
        hint: 'Check --kubeconfig (kubectl refuses a missing --kubeconfig file too).',
      });
    return merge(loaded);
  };
  const context = async (name?: string) => selectContext(await read(), name ?? contextOverride);

  return {
    files,
    contextOverride,
    read,
    context,
    connection: async (name) => connectionOf(await context(name)),
    modify: async (edit, how) => {
      if (how?.dryRun) return changeFiles(files, edit, false);
      const release = await lockFiles(lockOrder(files), { timeoutMs: options.lockTimeoutMs ?? 10_000 });
      try {
        return await changeFiles(files, edit, true);
      } finally {
        await release();
      }
    },
  };
}

async function changeFiles<T>(
  files: KubeconfigFiles,
  edit: (edit: KubeconfigEdit) => T | Promise<T>,
  write: boolean,
): Promise<Modified<T>> {
  const loaded = await readAll(files);
  const byPath = new Map(loaded.map((file) => [file.path, file]));
  const defaultFile = defaultWriteFile(files, (path) => byPath.get(path)?.text !== undefined);
  if (defaultFile === undefined)
    throw new KentraError('config.invalid', 'KUBECONFIG is set but names no file', {
      hint: 'Set KUBECONFIG to a list of files, unset it (~/.kube/config), or pass --kubeconfig PATH.',
    });
  const opened = new Map<
    string,
    { doc: Document; original: string; before: string; style: ToStringOptions }
  >();
  const document = (path: string): Document => {
    const known = opened.get(path);
    if (known) return known.doc;
    const file = byPath.get(path);
    const doc = file?.doc ?? new Document({}, kubectlYaml);
    const style = yamlStyleOf(file?.text);
    const original = file?.text ?? '';
    opened.set(path, { doc, original, before: file?.text === undefined ? '' : doc.toString(style), style });
    return doc;
  };
  const current = () =>
    merge(
      files.precedence
        .filter((path) => path !== '')
        .map((path) => ({ path, doc: opened.get(path)?.doc ?? byPath.get(path)?.doc })),
    );
  const result = await edit({ merged: merge(loaded), defaultFile, document, current });
  const changed: ChangedFile[] = [];
  for (const [path, { doc, original, before, style }] of opened) {
    const after = doc.toString(style);
    if (after === before) continue;
    changed.push({ path, original, before, after });
    if (!write) continue;
    await replaceFile(path, after, { newFileMode: 0o600, newFolderMode: 0o700 }).catch((cause: unknown) => {
      throw new KentraError('io.write', `cannot write ${path}`, {
        cause,
        hint: 'Check the file and folder permissions.',
      });
    });
  }
  return { result, files: changed };
}

async function readAll(files: KubeconfigFiles): Promise<ReadFile[]> {
  const paths = files.precedence.filter((path) => path !== '');
  return Promise.all(paths.map(readOne));
}

async function readOne(path: string): Promise<ReadFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Missing files are skipped, other failures are errors (loader.go Load).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path };
    throw new KentraError('io.read', `cannot read kubeconfig ${path}`, {
      cause: error,
      hint: 'kubectl cannot read it either: check the file and its permissions, or KUBECONFIG.',
    });
  }
  const doc = parseDocument(text, kubectlYaml);
  const yamlError = doc.errors[0];
  if (yamlError)
    throw new KentraError(
      'config.invalid',
      `${path} is not valid YAML: ${yamlError.message.split('\n')[0]}`,
      {
        hint: 'kubectl cannot read it either: fix the file, or leave it out of KUBECONFIG.',
      },
    );
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // YAML 1.1 merge keys (`<<`) whose source is not a map fail only here, not in parsing (found by test/fuzz).
    throw new KentraError('config.invalid', `${path} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
      hint: 'kubectl cannot read it either: fix the file, or leave it out of KUBECONFIG.',
    });
  }
  const problems = kubectlDecodeProblems(value);
  if (problems.length > 0)
    throw new KentraError(
      'config.invalid',
      `${path}: ${problems
        .slice(0, 3)
        .map((problem) => `${problem.path}: ${problem.message}`)
        .join('; ')}`,
      {
        hint: 'kubectl refuses this file too: fix the fields named, or leave the file out of KUBECONFIG.',
        details: { problems },
      },
    );
  return { path, text, doc };
}

function merge(loaded: readonly Parsed[]): MergedKubeconfig {
  const present: KubeconfigFile[] = [];
  for (const file of loaded)
    if (file.doc)
      present.push({ path: file.path, config: (file.doc.toJS() ?? {}) as Record<string, unknown> });
  return mergeKubeconfigs(present);
}

async function connectionOf(resolved: ResolvedContext): Promise<KubeConnection> {
  const { name, cluster } = resolved;
  const server = cluster?.value.server;
  if (!cluster || typeof server !== 'string' || server === '')
    throw new KentraError(
      'config.invalid',
      cluster
        ? `the cluster "${cluster.name}" of context "${name}" has no server (${cluster.file})`
        : `context "${name}" names no cluster that exists`,
      { hint: 'Check the context with `kubectl config view --minify --context NAME`.' },
    );
  const c = cluster.value;
  const u = resolved.user?.value ?? {};
  return {
    server: server.replace(/\/+$/, ''),
    caPem: await dataOrFile(c['certificate-authority-data'], c['certificate-authority']),
    certPem: await dataOrFile(u['client-certificate-data'], u['client-certificate']),
    keyPem: await dataOrFile(u['client-key-data'], u['client-key']),
    // token takes precedence over tokenFile (api/v1/types.go).
    token: nonEmpty(u.token) ?? (await dataOrFile(undefined, u.tokenFile))?.trim(),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
    context: name,
  };
}

/** Inline base64 data wins over a file (types.go: "-data ... Overrides" the path); paths are absolute by now. */
async function dataOrFile(data: unknown, file: unknown): Promise<string | undefined> {
  const inline = nonEmpty(data);
  if (inline) return Buffer.from(inline, 'base64').toString('utf8');
  const path = nonEmpty(file);
  if (!path) return undefined;
  return readFile(path, 'utf8').catch((cause: unknown) => {
    throw new KentraError('io.read', `cannot read ${path} (named in the kubeconfig)`, { cause });
  });
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
