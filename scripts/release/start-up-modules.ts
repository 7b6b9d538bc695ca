/**
 * What the compiled binary evaluates before it can answer `kentra get-token`
 * from the cache: the chunks its entry imports statically (Bun's `--splitting`,
 * as in bun-compile.ts), the source modules inside them and the Node built-ins
 * they import. Everything else (commander, MSAL, yaml, the command tree) must
 * stay behind a dynamic import(). Read from Bun's own metafile; bench/get-token.ts
 * prints it and test/unit/release/start-up-modules.test.ts holds the line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bunExecutable, entryPoint, repoRoot } from './bun-compile.js';

const exec = promisify(execFile);

interface Metafile {
  inputs: Record<
    string,
    { imports: { path: string; kind: string; external?: boolean; original?: string }[] }
  >;
  outputs: Record<
    string,
    {
      bytes: number;
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string }[];
    }
  >;
}

export interface StartUpModules {
  /** Source files (repository paths) evaluated at start. */
  sources: string[];
  /** node: built-ins they import, as written (node:path). */
  builtins: string[];
  /** Minified bytes of the chunks loaded at start. */
  bytes: number;
}

export async function startUpModules(): Promise<StartUpModules> {
  const dir = await mkdtemp(join(tmpdir(), 'kentra-start-up-'));
  try {
    const metafile = join(dir, 'meta.json');
    await exec(
      bunExecutable,
      [
        'build',
        entryPoint,
        '--splitting',
        '--format=esm',
        '--minify',
        '--target=bun',
        `--outdir=${join(dir, 'out')}`,
        `--metafile=${metafile}`,
      ],
      { cwd: repoRoot },
    );
    const meta = JSON.parse(await readFile(metafile, 'utf8')) as Metafile;
    const entry = Object.keys(meta.outputs).find((name) => meta.outputs[name]?.entryPoint === entryPoint);
    if (!entry) throw new Error(`Bun's metafile names no output for ${entryPoint}`);
    const chunks = new Set<string>();
    const visit = (name: string) => {
      if (chunks.has(name)) return;
      chunks.add(name);
      for (const imported of meta.outputs[name]?.imports ?? [])
        if (imported.kind === 'import-statement') visit(imported.path.replace(/^\.\//, './'));
    };
    visit(entry);
    const sources = [...chunks].flatMap((name) => Object.keys(meta.outputs[name]?.inputs ?? {})).sort();
    const builtins = new Set<string>();
    for (const source of sources)
      for (const imported of meta.inputs[source]?.imports ?? [])
        if (imported.external && imported.kind === 'import-statement')
          builtins.add(imported.original ?? imported.path);
    const bytes = [...chunks].reduce((sum, name) => sum + (meta.outputs[name]?.bytes ?? 0), 0);
    return { sources, builtins: [...builtins].sort(), bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
