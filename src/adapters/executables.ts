/**
 * Finding a program the way a shell does: the first directory of PATH that
 * holds an executable file of that name. A stat per directory; nothing is run.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The full path of `name` on the environment's PATH, or undefined. */
export function executableOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  executable: (path: string) => boolean = isExecutable,
): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    if (executable(path)) return path;
  }
  return undefined;
}
