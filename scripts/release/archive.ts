/**
 * The release's file operations: a .tar.gz holding one executable (what krew and
 * Homebrew download), and SHA-256 of a file. tar is the system's: krew sniffs the
 * format from the content and keeps file modes, so the executable bit is set
 * before packing (kubernetes-sigs/krew internal/download/downloader.go).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { licenseFile } from './targets.js';

const exec = promisify(execFile);

const licensePath = fileURLToPath(new URL(`../../${licenseFile}`, import.meta.url));

/** Packs `executable` as `name` (mode 0755) and the licence into a gzip'd tar at `archive`. */
export async function archiveExecutable(executable: string, name: string, archive: string): Promise<void> {
  const stage = await mkdtemp(join(tmpdir(), 'kentra-archive-'));
  try {
    await copyFile(executable, join(stage, name));
    await chmod(join(stage, name), 0o755);
    await copyFile(licensePath, join(stage, licenseFile));
    await exec('tar', ['-czf', archive, '-C', stage, name, licenseFile]);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Lower-case hex SHA-256 of a file, streamed (the executables are ~110 MB). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
