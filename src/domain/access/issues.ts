/** The access file's error: every problem with its path (see config-check/issues.ts). */
import type { KentraError } from '../../errors.js';
import { type FieldPath, invalidConfig, type ValidationIssue } from '../config-check/issues.js';

export function invalidAccessFile(
  source: string,
  issues: readonly ValidationIssue[],
  locate?: (path: FieldPath) => string | undefined,
): KentraError {
  return invalidConfig({
    code: 'access.invalid',
    source,
    issues,
    locate,
    hint: 'Fix the fields named above; `kentra rbac plan` checks the file again without changing anything.',
  });
}
