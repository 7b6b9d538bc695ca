/**
 * Changes one field of kentra.yaml text and keeps everything else as the
 * user wrote it: comments, order, blank lines (yaml's Document API). Used by
 * commands that write IDs back into the file (e.g. the app's client ID).
 */
import { isMap, isScalar, isSeq, Pair, parseDocument, Scalar } from 'yaml';
import type { FieldPath } from '../config-check/issues.js';

/**
 * Pins rules[ruleIndex] to the object ID its group name resolved to: `groupId`
 * right after `group`, so the two read together; comments and order stay.
 */
export function pinGroupId(text: string, ruleIndex: number, id: string): string {
  const document = parseDocument(text);
  const rule = document.getIn(['rules', ruleIndex], true);
  if (!isMap(rule)) return text;
  const existing = rule.items.find((pair) => isScalar(pair.key) && pair.key.value === 'groupId');
  if (existing) existing.value = new Scalar(id);
  else {
    const at = rule.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'group');
    rule.items.splice(at + 1, 0, new Pair(new Scalar('groupId'), new Scalar(id)));
  }
  return document.toString();
}

export function setAccessFileField(text: string, path: FieldPath, value: unknown): string {
  const document = parseDocument(text);
  document.setIn(path, value);
  return document.toString();
}

/** Adds `value` to the list at `path` (creating it), unless an item already equals it (case-insensitively). */
export function addToAccessFileList(text: string, path: FieldPath, value: string): string {
  const document = parseDocument(text);
  const list = document.getIn(path, true);
  if (isSeq(list)) {
    const items = list.items.map((item) => (isScalar(item) ? String(item.value).toLowerCase() : ''));
    if (items.includes(value.toLowerCase())) return text;
    list.add(new Scalar(value));
  } else document.setIn(path, [value]);
  return document.toString();
}
