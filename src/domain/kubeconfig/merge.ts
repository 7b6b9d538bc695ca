/**
 * Merging kentra's entries into the user's kubeconfig files without touching
 * anything else: other entries, their order, comments and unknown fields stay
 * as they are (the yaml Document API edits in place).
 *
 * Which file, as kubectl's `ModifyConfig` (client-go tools/clientcmd/config.go)
 * decides: an entry that already exists is changed where it lives (its
 * LocationOfOrigin, the first file that names it); a new entry and
 * current-context go to the default write file (see loading-rules.ts).
 *
 * Same name, same content: unchanged. Same name, different content: refused
 * unless `force`, because silently replacing someone's `prod` user is how
 * kubeconfig tools lose people's access (we say which entry and how to proceed).
 */
import { type Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { KentraError } from '../../errors.js';
import type { KentraEntries } from './entries.js';
import { type EntryKind, entriesOf, type MergedKubeconfig } from './merged.js';

export type ChangeAction = 'added' | 'unchanged' | 'replaced';
export interface Change {
  kind: EntryKind | 'current-context';
  name: string;
  action: ChangeAction;
  /** The file the entry lives in (or will). */
  file: string;
}

/** What an edit of the kubeconfig files sees (the kubeconfig source hands it out while it holds the lock). */
export interface KubeconfigEdit {
  /** The files as they are now, merged the way kubectl merges them. */
  readonly merged: MergedKubeconfig;
  /** Where kubectl writes new entries and current-context. */
  readonly defaultFile: string;
  /** The parsed file (an empty document when it does not exist yet); changed documents are written back. */
  document(file: string): Document;
  /** The files merged as they would be written now (to validate the result before writing it). */
  current(): MergedKubeconfig;
}

export interface MergeOptions {
  force: boolean;
  /** Make the context current; otherwise only when no file sets a current context. */
  useContext: boolean;
}

const listOfKind = { cluster: 'clusters', user: 'users', context: 'contexts' } as const;
const kinds = ['cluster', 'user', 'context'] as const;

interface Planned extends Change {
  /** Index in the file's list, for a replacement. */
  index?: number;
}

export function mergeEntries(edit: KubeconfigEdit, entries: KentraEntries, options: MergeOptions): Change[] {
  const planned = plan(edit, entries, options);
  for (const change of planned) apply(edit.document(change.file), change, entries);
  return planned.map(({ kind, name, action, file }) => ({ kind, name, action, file }));
}

/** Decides every change before any document is touched, so a conflict leaves all files as they were. */
function plan(edit: KubeconfigEdit, entries: KentraEntries, options: MergeOptions): Planned[] {
  const changes: Planned[] = [];
  const conflicts: string[] = [];
  for (const kind of kinds) {
    const wanted = entries[kind];
    const existing = entriesOf(edit.merged, kind).get(wanted.name);
    if (!existing) {
      changes.push({ kind, name: wanted.name, action: 'added', file: edit.defaultFile });
    } else if (sameContent(existing.value, bodyOf(entries, kind))) {
      changes.push({ kind, name: wanted.name, action: 'unchanged', file: existing.file });
    } else if (options.force) {
      const { file, index } = existing;
      changes.push({ kind, name: wanted.name, action: 'replaced', file, index });
    } else {
      conflicts.push(`${listOfKind[kind]}[${existing.index}] "${wanted.name}" (in ${existing.file})`);
    }
  }
  if (conflicts.length > 0)
    throw new KentraError(
      'config.conflict',
      `the kubeconfig already has a different ${conflicts.join(', ')}`,
      {
        hint: 'Pick other names (--cluster-name, --user, --context), or replace them with --force.',
        details: { conflicts },
      },
    );
  const current = edit.merged.currentContext;
  const name = entries.context.name;
  if ((options.useContext || current === '') && current !== name)
    changes.push({
      kind: 'current-context',
      name,
      action: current === '' ? 'added' : 'replaced',
      file: edit.defaultFile,
    });
  return changes;
}

/** The entry's body (`cluster:`, `user:` or `context:`), as it is compared with what a file holds. */
function bodyOf(entries: KentraEntries, kind: EntryKind): unknown {
  return (entries[kind] as unknown as Record<string, unknown>)[kind];
}

function apply(doc: Document, change: Planned, entries: KentraEntries): void {
  if (change.action === 'unchanged') return;
  const root = rootOf(doc);
  if (change.kind === 'current-context') {
    root.set('current-context', change.name);
    return;
  }
  const seq = listOf(doc, root, listOfKind[change.kind]);
  const node = doc.createNode(entries[change.kind]);
  if (change.index === undefined) seq.items.push(node);
  else seq.items[change.index] = node;
}

function rootOf(doc: Document): YAMLMap {
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({});
  if (!isMap(doc.contents))
    throw new KentraError('config.invalid', 'the kubeconfig is not a YAML mapping', {
      hint: 'Fix or move the file, or write elsewhere with --kubeconfig PATH.',
    });
  const root = doc.contents as YAMLMap;
  if (!root.has('apiVersion')) root.set('apiVersion', 'v1');
  if (!root.has('kind')) root.set('kind', 'Config');
  return root;
}

function listOf(doc: Document, root: YAMLMap, key: string): YAMLSeq {
  const value = root.get(key);
  if (value === undefined || value === null) {
    const seq = doc.createNode([]) as YAMLSeq;
    root.set(key, seq);
    return seq;
  }
  if (!isSeq(value))
    throw new KentraError('config.invalid', `the kubeconfig's ${key} is not a list`, {
      hint: `Fix ${key} in the file (kubectl expects a list of {name, ...}).`,
    });
  return value;
}

/** Structural equality of plain JSON values, ignoring key order and absent-vs-null. */
export function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && item !== undefined) out[key] = canonical(item);
    }
    return out;
  }
  return value;
}
