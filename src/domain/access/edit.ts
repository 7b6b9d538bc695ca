/**
 * Changes one field of kentra.yaml text and keeps everything else as the
 * user wrote it: comments, order, blank lines (yaml's Document API). Used by
 * commands that write IDs back into the file (e.g. the app's client ID).
 */
import { parseDocument } from 'yaml';
import type { FieldPath } from '../config-check/issues.js';

export function setAccessFileField(text: string, path: FieldPath, value: unknown): string {
  const document = parseDocument(text);
  document.setIn(path, value);
  return document.toString();
}
