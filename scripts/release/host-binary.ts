/**
 * The host's kentra executable for the tests and the bench, built on demand and
 * reused while its inputs are unchanged: the key is a SHA-256 over every file
 * under src/, the lock file, the compile recipe and the Bun version. It lives in
 * node_modules/.cache/kentra-binary/ (per checkout, gone with `npm ci`), because
 * `npm run build` empties dist/ on every `npm test`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bunExecutable, compileKentra, repoRoot } from './bun-compile.js';
import { hostTarget } from './targets.js';

const cacheDir = join(repoRoot, 'node_modules/.cache/kentra-binary');
const recipe = ['package-lock.json', 'scripts/release/bun-compile.ts', 'scripts/release/targets.ts'];

export function binaryInputsHash(): string {
  const hash = createHash('sha256');
  const files = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
    .map((name) => join('src', name))
    .filter((path) => statSync(join(repoRoot, path)).isFile())
    .sort();
  for (const path of [...files, ...recipe]) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(repoRoot, path)));
  }
  // The runtime inside the executable: the pinned bun's own file.
  hash.update(`bun\0${readFileSync(bunExecutable).length}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of a host executable built from the current sources; builds it when
 * missing (a few seconds). `log` hears about a build, not about a reuse.
 */
export async function hostBinary(log: (line: string) => void = () => {}): Promise<string> {
  const target = hostTarget();
  const key = binaryInputsHash();
  const path = join(cacheDir, `kentra-${target.os}-${target.arch}-${key}${target.exe}`);
  if (existsSync(path)) return path;
  await mkdir(cacheDir, { recursive: true });
  const started = Date.now();
  log(`compiling kentra for ${target.os}-${target.arch} with bun (inputs changed) ...`);
  await compileKentra(target.bun, path);
  log(`compiled ${path} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await pruneOlderThan(path);
  return path;
}

/** Keeps the cache to the two newest executables (each is ~110 MB); builds under way are left alone. */
async function pruneOlderThan(newest: string): Promise<void> {
  const names = readdirSync(cacheDir).filter((name) => name.startsWith('kentra-'));
  const entries = await Promise.all(
    names.map(async (name) => ({
      path: join(cacheDir, name),
      at: (await stat(join(cacheDir, name))).mtimeMs,
    })),
  );
  const stale = entries
    .filter((entry) => entry.path !== newest)
    .sort((a, b) => b.at - a.at)
    .slice(1);
  for (const entry of stale) await rm(entry.path, { force: true });
}
