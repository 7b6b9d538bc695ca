import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isScheduleRequestRecord, type ScheduleRequestRecord } from '../../domain/audit/elevation.js';
import { type DirectoryAudit, isDirectoryAudit } from '../../domain/audit/group-change.js';
import { type SignIn, signInFrom } from '../../domain/audit/sign-in.js';
import { KentraError } from '../../errors.js';

/**
 * Where Entra's sign-in log (and directory audits) come from. Files exported
 * from Graph or the portal today; Microsoft Graph itself once its client exists.
 */
export interface SignInSink {
  signIn(value: SignIn): void;
  directoryAudit(value: DirectoryAudit): void;
  /** A group's display name, for naming the group that granted a request. */
  group?(value: { id: string; displayName: string }): void;
  /** A PIM schedule request (assignmentScheduleRequests): justification and timing of elevations. */
  scheduleRequest?(value: ScheduleRequestRecord): void;
  /** A record that could not be read; `line` is absent when the whole file is one JSON document. */
  skipped(where: string, line: number | undefined, why: string): void;
}

export interface SignInSource {
  readonly description: string;
  load(into: SignInSink): Promise<void>;
}

/**
 * Exported JSON files. Each may be a JSON array of records, one Graph page
 * (`{"value": [...], "@odata.nextLink": ...}`), a single record, or JSON lines
 * of records or pages. Records are told apart by shape: a directoryAudit has
 * `activityDisplayName` + `activityDateTime`, a PIM schedule request `action`,
 * `groupId` and `principalId`, a signIn `createdDateTime` + a user.
 */
export function signInFiles(paths: readonly string[], cwd: string): SignInSource {
  return {
    description: paths.join(', '),
    async load(into) {
      for (const path of paths) {
        let text: string;
        try {
          text = await readFile(resolve(cwd, path), 'utf8');
        } catch (error) {
          throw new KentraError(
            'io.read',
            `--signins ${path}: cannot read it (${(error as NodeJS.ErrnoException).code})`,
            {
              cause: error,
              hint: 'Export sign-ins with `GET /auditLogs/signIns` (JSON) or from the Entra portal (JSON), or use --signins graph.',
            },
          );
        }
        readDocument(text, path, into);
      }
    },
  };
}

function readDocument(text: string, path: string, into: SignInSink): void {
  const trimmed = text.trimStart();
  if (trimmed === '') return;
  // A whole-file document (array, page or record) is the common export; JSON lines otherwise.
  try {
    const whole: unknown = JSON.parse(trimmed);
    deliver(whole, path, undefined, into);
    return;
  } catch (error) {
    if (trimmed.startsWith('[')) {
      into.skipped(path, undefined, `not valid JSON (${(error as Error).message})`);
      return;
    }
  }
  let number = 0;
  for (const line of text.split('\n')) {
    number++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      into.skipped(path, number, `not valid JSON (${(error as Error).message})`);
      continue;
    }
    deliver(value, path, number, into);
  }
}

function deliver(value: unknown, path: string, line: number | undefined, into: SignInSink): void {
  if (Array.isArray(value)) {
    for (const item of value) deliver(item, path, line, into);
    return;
  }
  if (typeof value === 'object' && value !== null && Array.isArray((value as { value?: unknown }).value)) {
    for (const item of (value as { value: unknown[] }).value) deliver(item, path, line, into);
    return;
  }
  const signIn = isDirectoryAudit(value) ? undefined : signInFrom(value);
  if (isDirectoryAudit(value)) into.directoryAudit(value);
  else if (isScheduleRequestRecord(value)) into.scheduleRequest?.(value);
  else if (signIn) into.signIn(signIn);
  else into.skipped(path, line, 'neither a Graph signIn, a directoryAudit nor a PIM schedule request');
}
