// Bundles the CLI with esbuild.
//
// - dist/cli/main.js + dist/chunks/: the command tree, ESM, split per dynamic import, so every
//   command's implementation (and MSAL) loads only when that command runs.
// - dist/bin/kentra.js: the executable, one CommonJS file (dist/bin/package.json says so). It holds
//   the cache hit of `kentra get-token` inline, which kubectl runs before every command, and loads
//   ../cli/main.js only when the cache cannot answer. One file and no ESM loader on that path is the
//   cheapest start Node offers (bench/get-token.ts measures it against `node -e 0`).
import { chmod, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { 'cli/main': 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
await build({
  ...common,
  entryPoints: { 'bin/kentra': 'src/bin/kentra.ts' },
  outdir: 'dist',
  format: 'cjs',
  external: ['../cli/main.js'],
  // import.meta.url does not exist in CommonJS; the few modules that use it get the file's URL.
  define: { 'import.meta.url': '__kentraFileUrl' },
  banner: {
    js: '#!/usr/bin/env node\nconst __kentraFileUrl = require("node:url").pathToFileURL(__filename).href;',
  },
});
await writeFile('dist/bin/package.json', '{ "type": "commonjs" }\n');
await chmod('dist/bin/kentra.js', 0o755);
