/** One thing wrong in a kubeconfig, at the path of the bad field. */
import type { EntryKind } from './named-lists.js';

export interface Problem {
  path: string;
  message: string;
  /** The file the problem is in, when known. */
  file?: string;
  /** The entry the problem belongs to, so callers can tell their own from pre-existing ones. */
  entry?: { kind: EntryKind; name: string };
}
