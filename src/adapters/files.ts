/** The filesystem as the use cases see it: two small functions, injected (tests pass fakes). */
import { readFile, writeFile } from 'node:fs/promises';

export interface Files {
  readText(path: string): Promise<string>;
  /** `exclusive`: fail with EEXIST rather than overwrite. */
  writeText(path: string, text: string, options?: { exclusive?: boolean }): Promise<void>;
}

export const nodeFiles: Files = {
  readText: (path) => readFile(path, 'utf8'),
  writeText: (path, text, options) => writeFile(path, text, { flag: options?.exclusive ? 'wx' : 'w' }),
};
