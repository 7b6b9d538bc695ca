/** Validation findings with the path of the bad field, e.g. `rules[3].group`. */
import { KentraError } from '../../errors.js';

export type FieldPath = readonly (string | number)[];

export interface ValidationIssue {
  path: FieldPath;
  message: string;
  hint?: string;
}

export function formatPath(path: FieldPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? '(top level)' : text;
}

export function formatIssue(
  issue: ValidationIssue,
  locate?: (path: FieldPath) => string | undefined,
): string {
  const where = locate?.(issue.path);
  const line = `${formatPath(issue.path)}: ${issue.message}`;
  return `${where ? `${where} ` : ''}${line}${issue.hint ? `\n      hint: ${issue.hint}` : ''}`;
}

/** One error for every problem found, so that a user fixes the file in one pass. */
export function invalidAccessFile(
  source: string,
  issues: readonly ValidationIssue[],
  locate?: (path: FieldPath) => string | undefined,
): KentraError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  ${formatIssue(issue, locate)}`).join('\n');
  return new KentraError('access.invalid', `${source} is invalid (${count}):\n${lines}`, {
    hint: 'Fix the fields named above; `kentra rbac plan` checks the file again without changing anything.',
    details: { issues: issues.map((issue) => ({ ...issue, path: formatPath(issue.path) })) },
  });
}
