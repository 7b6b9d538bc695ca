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
 * - `--sourcemap`: embedded (compressed), so KENTRA_DEBUG=1 stack traces name
 *   source files; it is read only when a stack is printed.
 * - `--no-compile-autoload-dotenv --no-compile-autoload-bunfig`: a compiled binary
 *   would otherwise read `.env` and `bunfig.toml` from whatever folder kubectl
 *   runs it in; kentra reads only what its flags and environment say.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
    '--sourcemap',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    `--outfile=${outfile}`,
  ];
}

/** Builds one executable; Bun adds `.exe` for Windows targets itself, so `outfile` has no suffix. */
export async function compileKentra(bunTarget: string, outfile: string): Promise<void> {
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
