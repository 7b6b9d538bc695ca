/**
 * Reads kentra.yaml: YAML syntax, schema, rules, defaults. Every problem is
 * reported at once, each with its field path and file:line:column.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { invalidAccessFile } from '../domain/access/issues.js';
import type { AccessFile } from '../domain/access/model.js';
import { parseAccessFile } from '../domain/access/parse.js';
import type { FieldPath } from '../domain/config-check/issues.js';
import { KentraError } from '../errors.js';

export type ReadText = (path: string) => Promise<string>;

export interface LoadedAccessFile {
  /** The file as the user named it (for messages). */
  path: string;
  file: AccessFile;
  warnings: string[];
  /** A path written in the file, resolved against the file's folder. */
  resolvePath(relative: string): string;
  /** `kentra.yaml:12:5` for a field path, or undefined. */
  locate(path: FieldPath): string | undefined;
}

/**
 * `path` is read (absolute, or relative to the process); `shown` is how the
 * user wrote it, used in messages (default: `path`).
 */
export async function loadAccessFile(
  path: string,
  readText: ReadText,
  shown = path,
): Promise<LoadedAccessFile> {
  let text: string;
  try {
    text = await readText(path);
  } catch (cause) {
    throw new KentraError('io.read', `cannot read the access file ${shown}`, {
      cause,
      hint: 'Create one with `kentra init`, or pass --access PATH.',
    });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${shown}:${line}:${col}`;
  };
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new KentraError(
      'access.invalid',
      `${shown} is not valid YAML: ${first?.message.split('\n')[0] ?? ''}`,
      {
        hint: 'Fix the YAML syntax at the line shown.',
      },
    );
  }
  const locate = (fieldPath: FieldPath): string | undefined => {
    // The deepest node that exists on the path (a missing field points at its parent).
    for (let depth = fieldPath.length; depth >= 0; depth--) {
      const node = nodeAt(document.contents as Node | null, fieldPath.slice(0, depth));
      if (node?.range) return at(node.range[0]);
    }
    return undefined;
  };
  const parsed = parseAccessFile(document.toJS());
  if (!parsed.file) throw invalidAccessFile(shown, parsed.issues, locate);
  const base = dirname(path);
  return {
    path: shown,
    file: parsed.file,
    warnings: parsed.warnings,
    resolvePath: (relative) => (isAbsolute(relative) ? relative : resolve(base, relative)),
    locate,
  };
}

function nodeAt(root: Node | null, path: FieldPath): Node | undefined {
  let node: unknown = root;
  for (const [depth, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      // The field itself is reported at its key (where an unknown or misspelt name is).
      node = depth === path.length - 1 ? (pair?.key ?? pair?.value) : (pair?.value ?? pair?.key);
    } else if (isSeq(node) && typeof key === 'number') node = node.items[key];
    else return undefined;
  }
  return (node as Node | undefined) ?? undefined;
}
