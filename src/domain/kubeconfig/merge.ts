/**
 * Merging kentra's entries into an existing kubeconfig document without
 * touching anything else: other entries, their order, comments and unknown
 * fields stay as they are (the yaml Document API edits in place).
 *
 * Same name, same content: unchanged. Same name, different content: refused
 * unless `force`, because silently replacing someone's `prod` user is how
 * kubeconfig tools lose people's access (client-node throws on duplicates,
 * kubectl keeps the first; we say which entry and how to proceed).
 */
import { type Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { KentraError } from '../../errors.js';
import type { KentraEntries } from './entries.js';

export type ChangeAction = 'added' | 'unchanged' | 'replaced';
export interface Change {
  kind: 'cluster' | 'user' | 'context' | 'current-context';
  name: string;
  action: ChangeAction;
}

const lists = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

export interface MergeOptions {
  force: boolean;
  /** Make the context current; otherwise only when the file has no current context. */
  useContext: boolean;
}

export function mergeEntries(doc: Document, entries: KentraEntries, options: MergeOptions): Change[] {
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({});
  if (!isMap(doc.contents))
    throw new KentraError('config.invalid', 'the kubeconfig is not a YAML mapping', {
      hint: 'Fix or move the file, or write elsewhere with --kubeconfig PATH.',
    });
  const root = doc.contents as YAMLMap;
  if (!root.has('apiVersion')) root.set('apiVersion', 'v1');
  if (!root.has('kind')) root.set('kind', 'Config');
  const changes: Change[] = [];
  const conflicts: string[] = [];
  for (const [list, kind] of lists) {
    const wanted = entries[kind];
    const seq = listOf(doc, root, list);
    const index = seq.items.findIndex((item) => isMap(item) && item.get('name') === wanted.name);
    if (index < 0) {
      seq.items.push(doc.createNode(wanted));
      changes.push({ kind, name: wanted.name, action: 'added' });
      continue;
    }
    const existing = (seq.items[index] as YAMLMap).toJSON() as unknown;
    if (sameContent(existing, wanted)) {
      changes.push({ kind, name: wanted.name, action: 'unchanged' });
    } else if (options.force) {
      seq.items[index] = doc.createNode(wanted);
      changes.push({ kind, name: wanted.name, action: 'replaced' });
    } else {
      conflicts.push(`${list}[${index}] "${wanted.name}"`);
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
  const current = root.get('current-context');
  if (options.useContext || typeof current !== 'string' || current === '') {
    if (current !== entries.context.name) {
      root.set('current-context', entries.context.name);
      const action = typeof current === 'string' && current !== '' ? 'replaced' : 'added';
      changes.push({ kind: 'current-context', name: entries.context.name, action });
    }
  }
  return changes;
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
