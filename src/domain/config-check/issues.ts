/** Validation findings with the path of the bad field, e.g. `rules[3].group`, and the one error that lists them. */
import { type ErrorCode, KentraError } from '../../errors.js';

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

export interface InvalidConfigOptions {
  /** `access.invalid` for the access file, `config.invalid` for the others. */
  code: ErrorCode;
  /** Names the file in the message, e.g. `kentra.yaml` or `seed file seed.yaml`. */
  source: string;
  issues: readonly ValidationIssue[];
  hint: string;
  /** `file:line:column` of a path, when the YAML source is at hand. */
  locate?: (path: FieldPath) => string | undefined;
}

/** At most this many problems are printed; all of them are in `details`. */
const shownIssues = 20;

/** One error for every problem found, so that a user fixes the file in one pass. */
export function invalidConfig(options: InvalidConfigOptions): KentraError {
  const { issues } = options;
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues
    .slice(0, shownIssues)
    .map((issue) => `  ${formatIssue(issue, options.locate)}`)
    .join('\n');
  const more = issues.length > shownIssues ? `\n  … and ${issues.length - shownIssues} more` : '';
  return new KentraError(options.code, `${options.source} is invalid (${count}):\n${lines}${more}`, {
    hint: options.hint,
    details: { issues: issues.map((issue) => ({ ...issue, path: formatPath(issue.path) })) },
  });
}
