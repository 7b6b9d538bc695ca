// Bundles the CLI with esbuild. Code splitting keeps the entry small: every
// command's implementation is a dynamic import, so `kentra get-token` on a
// cache hit loads only the few modules it needs (see bench/get-token.ts).
import { chmod, rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { 'bin/kentra': 'src/bin/kentra.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
await chmod('dist/bin/kentra.js', 0o755);
