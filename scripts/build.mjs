// Bundles the CLI with esbuild. Code splitting keeps the entry small: every
// command's implementation is a dynamic import, so `kentra get-token` on a
// cache hit loads only the few modules it needs (see bench/get-token.ts); that
// hot path is a second, self-contained bundle (src/bin/get-token-fast.ts).
import { chmod, rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};
await build({
  entryPoints: { 'bin/kentra': 'src/bin/kentra.ts', index: 'src/index.ts' },
  // Built on its own below, as one file: see src/bin/get-token-fast.ts.
  external: ['./get-token-fast.js'],
  ...common,
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
});
await build({
  ...common,
  entryPoints: { 'bin/get-token-fast': 'src/bin/get-token-fast.ts' },
  outdir: 'dist',
});
await chmod('dist/bin/kentra.js', 0o755);
