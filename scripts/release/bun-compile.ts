/**
 * The one recipe for kentra's single-file executable: Bun's compiler (the `bun`
 * devDependency, pinned) bundles src/bin/kentra.ts with everything it imports
 * and the Bun runtime into one file. `npm run compile` builds every target;
 * the tests and the bench build the host's through host-binary.ts.
 *
 * Flags (bun docs: bundler/executables, bundler/bytecode):
 * - `--bytecode --format=esm`: JavaScriptCore bytecode is embedded, so start-up
 *   skips parsing; ESM bytecode needs the explicit format.
 * - `--splitting`: the cache hit of `kentra get-token` (kubectl runs it before
 *   every command) loads a small entry chunk; the command tree, MSAL and the rest
 *   sit in chunks that load on the first `import()` that needs them. One bundle
 *   instead cost the hit ~2x its CPU time (bench/get-token.ts).
 * - `--minify`: smaller embedded source, also less for the bytecode cache to map.
 * - no `--sourcemap`: with `--splitting` Bun 1.4.4 writes one .map file per chunk
 *   beside the executable instead of embedding them.
 * - `--no-compile-autoload-dotenv --no-compile-autoload-bunfig`: a compiled binary
 *   would otherwise read `.env` and `bunfig.toml` from whatever folder kubectl
 *   runs it in; kentra reads only what its flags and environment say.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bunExecutable = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));
export const entryPoint = 'src/bin/kentra.ts';

export function bunCompileArgs(bunTarget: string, outfile: string): string[] {
  return [
    'build',
    entryPoint,
    '--compile',
    `--target=${bunTarget}`,
    '--bytecode',
    '--format=esm',
    '--splitting',
    '--minify',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    `--outfile=${outfile}`,
  ];
}

/**
 * Builds one executable at `outfile` (with `.exe` for Windows). Bun writes into a
 * private folder beside it first: it adds `.exe` itself, and nothing else it
 * might write lands next to the result; the rename also makes a concurrent build
 * of the same file harmless.
 */
export async function compileKentra(bunTarget: string, outfile: string): Promise<void> {
  const work = await mkdtemp(join(dirname(outfile), '.bun-compile-'));
  try {
    await runBun(bunTarget, join(work, 'kentra'));
    await rename(join(work, bunTarget.includes('windows') ? 'kentra.exe' : 'kentra'), outfile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function runBun(bunTarget: string, outfile: string): Promise<void> {
  const child = spawn(bunExecutable, bunCompileArgs(bunTarget, outfile), {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`bun build --compile --target=${bunTarget} failed:\n${output}`);
}
