/**
 * The layers of docs/ARCHITECTURE.md, enforced: src/'s imports (static,
 * `import type`, `import()`) read with the TypeScript parser and checked
 * against the rules in test/helpers/layer-rules.ts. The planted graphs below
 * prove each rule can fail.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ImportEdge, type ImportGraph, importsOf, readImportGraph } from '../helpers/import-graph.js';
import { importCycles, layerViolations } from '../helpers/layer-rules.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

describe('src/ keeps its layers', () => {
  const graph = readImportGraph(src);

  test('the reader sees the whole tree', () => {
    assert.ok(graph.modules.length > 150, `only ${graph.modules.length} modules found`);
    assert.ok(graph.modules.includes('cli/main.ts'));
    assert.ok(graph.edges.some((edge) => edge.kind === 'dynamic'));
    assert.ok(graph.edges.some((edge) => edge.kind === 'type'));
  });

  test('no layer imports what it must not', () => {
    assert.deepEqual(layerViolations(graph), []);
  });

  test('no import cycles, type-only ones included', () => {
    assert.deepEqual(importCycles(graph), []);
  });
});

describe('the import reader', () => {
  test('tells static, type-only and dynamic imports apart, re-exports and import types included', () => {
    const found = importsOf(`
      import { a } from './a.js';
      import type { B } from './b.js';
      import { type C, type D } from './c.js';
      import { type E, f } from './e.js';
      export { g } from './g.js';
      export type { H } from './h.js';
      const i = await import('./i.js');
      let j: typeof import('node:fs');
      import './side-effect.js';
    `);
    assert.deepEqual(found, [
      { specifier: './a.js', kind: 'static' },
      { specifier: './b.js', kind: 'type' },
      { specifier: './c.js', kind: 'type' },
      { specifier: './e.js', kind: 'static' },
      { specifier: './g.js', kind: 'static' },
      { specifier: './h.js', kind: 'type' },
      { specifier: './i.js', kind: 'dynamic' },
      { specifier: 'node:fs', kind: 'type' },
      { specifier: './side-effect.js', kind: 'static' },
    ]);
  });
});

/** A graph from `from -> to` lines; `kind` after a colon, e.g. `cli/a.ts -> emulator/b.ts : dynamic`. */
function planted(...lines: string[]): ImportGraph {
  const edges: ImportEdge[] = lines.map((line) => {
    const [arrow = '', kind = 'static'] = line.split(' : ');
    const [from = '', to = ''] = arrow.split(' -> ');
    const internal = !to.startsWith('node:') && /\.(ts|json)$/.test(to);
    return { from, to, kind: kind as ImportEdge['kind'], internal };
  });
  const modules = [
    ...new Set(edges.flatMap((edge) => (edge.internal ? [edge.from, edge.to] : [edge.from]))),
  ].sort();
  return { modules, edges };
}

const rules = (graph: ImportGraph) => layerViolations(graph).map((violation) => violation.rule);

describe('the rules fail on planted violations', () => {
  test('a clean graph passes', () => {
    const graph = planted(
      'bin/kentra.ts -> cli/main.ts : dynamic',
      'cli/main.ts -> composition/root.ts',
      'composition/root.ts -> adapters/files.ts : dynamic',
      'cli/main.ts -> usecases/get-token.ts : dynamic',
      'cli/emulator.ts -> emulator/server.ts : dynamic',
      'usecases/get-token.ts -> ports/text-sink.ts : type',
      'usecases/get-token.ts -> domain/credential.ts',
      'adapters/files.ts -> node:fs',
      'domain/credential.ts -> errors.ts',
      'domain/credential.ts -> node:path',
      'domain/credential.ts -> yaml',
    );
    assert.deepEqual(layerViolations(graph), []);
    assert.deepEqual(importCycles(graph), []);
  });

  test('domain: no I/O, nothing outside domain but leaf modules, only pure packages', () => {
    assert.deepEqual(
      rules(
        planted(
          'domain/a.ts -> node:fs',
          'domain/a.ts -> node:child_process : dynamic',
          'domain/a.ts -> adapters/files.ts : type',
          'domain/a.ts -> usecases/x.ts',
          'domain/a.ts -> cli/context.ts : type',
          'domain/a.ts -> webhook/x.ts',
          'domain/a.ts -> emulator/x.ts',
          'domain/a.ts -> @azure/msal-node',
          'errors.ts -> node:fs',
          'usecases/sign-in-plan.ts -> adapters/token-cache/key.ts',
        ),
      ),
      [
        'domain does no I/O (no impure node: builtins)',
        'domain does no I/O (no impure node: builtins)',
        'domain imports only domain and leaf modules',
        'domain imports only domain and leaf modules',
        'domain imports only domain and leaf modules',
        'domain imports only domain and leaf modules',
        'domain imports only domain and leaf modules',
        'domain uses only the pure packages yaml',
        'the leaf module errors.ts does no I/O (no impure node: builtins)',
        'the pure usecases/sign-in-plan.ts imports only domain and leaf modules',
      ],
    );
  });

  test('adapters import neither use cases nor commands; use cases, webhook and emulator no commands', () => {
    assert.deepEqual(
      rules(
        planted(
          'adapters/a.ts -> usecases/u.ts : type',
          'adapters/a.ts -> cli/context.ts : type',
          'usecases/u.ts -> cli/context.ts : type',
          'webhook/w.ts -> cli/context.ts : dynamic',
          'emulator/e.ts -> cli/context.ts',
        ),
      ),
      [
        'adapters must not import usecases',
        'adapters must not import cli',
        'usecases must not import cli',
        'webhook must not import cli',
        'emulator must not import cli',
      ],
    );
  });

  test('commands take the outside world from the composition root, renderers aside', () => {
    assert.deepEqual(
      rules(
        planted(
          'cli/rbac.ts -> adapters/kube/client.ts : dynamic',
          'cli/kubeconfig.ts -> node:os',
          'cli/access.ts -> adapters/render/matrix-csv.ts : dynamic',
          'cli/entra.ts -> adapters/entra/graph-auth-modes.ts',
          'cli/cluster.ts -> node:path',
          'cli/rbac.ts -> composition/root.ts : type',
          'cli/whoami.ts -> adapters/graph/client.ts : type',
        ),
      ),
      [
        'cli gets adapters from the composition root',
        'cli gets I/O from the composition root (no impure node: builtins)',
      ],
    );
  });

  test('the product never imports the emulator; `kentra emulator` only lazily', () => {
    assert.deepEqual(
      rules(
        planted(
          'cli/emulator.ts -> emulator/server.ts',
          'cli/rbac.ts -> emulator/server.ts : dynamic',
          'usecases/u.ts -> emulator/seed.ts : type',
          'adapters/a.ts -> emulator/seed.ts : dynamic',
        ),
      ),
      [
        '`kentra emulator` loads the emulator lazily (import())',
        'the product never imports the emulator (only `kentra emulator` does)',
        'usecases must not import emulator',
        'adapters must not import emulator',
      ],
    );
  });

  test('a cycle is found, also through a type-only import or a self-import', () => {
    const cycles = importCycles(
      planted(
        'usecases/get-token.ts -> usecases/sign-in.ts : dynamic',
        'usecases/sign-in.ts -> usecases/get-token.ts : type',
        'emulator/a.ts -> emulator/b.ts',
        'emulator/b.ts -> emulator/c.ts',
        'emulator/c.ts -> emulator/a.ts',
        'domain/self.ts -> domain/self.ts',
        'domain/x.ts -> domain/y.ts',
      ),
    );
    assert.deepEqual(cycles.map((cycle) => cycle.where).sort(), [
      'domain/self.ts',
      'emulator/a.ts <-> emulator/b.ts <-> emulator/c.ts',
      'usecases/get-token.ts <-> usecases/sign-in.ts',
    ]);
  });
});
