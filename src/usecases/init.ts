/** `kentra init`: write the commented starter file, never over an existing one unless told. */
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Files } from '../adapters/files.js';
import { invalidAccessFile } from '../domain/access/issues.js';
import { parseAccessFile } from '../domain/access/parse.js';
import { type StarterOptions, starterAccessFile } from '../domain/access/starter.js';
import { KentraError } from '../errors.js';

export async function initAccessFile(
  path: string,
  cwd: string,
  options: StarterOptions & { force: boolean },
  files: Pick<Files, 'writeText'>,
): Promise<string> {
  const target = resolve(cwd, path);
  const text = starterAccessFile(options);
  // Flag values end up in the file: check it like any other access file.
  const parsed = parseAccessFile(parseDocument(text).toJS());
  if (!parsed.file) throw invalidAccessFile('the starter file with these options', parsed.issues);
  try {
    await files.writeText(target, text, { exclusive: !options.force });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new KentraError('io.write', exists ? `${path} already exists` : `cannot write ${path}`, {
      cause,
      hint: exists ? 'Pass --force to overwrite it, or give another path.' : undefined,
    });
  }
  return target;
}
