/**
 * kentra's layer rules (docs/ARCHITECTURE.md, "Layers"), checked over an
 * import graph. Pure: test/unit/architecture.test.ts runs them on the real
 * src/ and on small planted graphs that must fail.
 */
import type { ImportEdge, ImportGraph } from './import-graph.js';

export interface Violation {
  rule: string;
  /** `from -> to`, or the modules of a cycle in import order. */
  where: string;
}

/** The first folder of a module (`cli/main.ts` -> `cli`); a top-level file is its own layer. */
export function layerOf(module: string): string {
  const slash = module.indexOf('/');
  return slash < 0 ? module : module.slice(0, slash);
}

/** Top-level modules anyone may import: they import nothing impure themselves (checked below). */
export const leafModules = ['errors.ts', 'version.ts'];

/** Modules outside domain/ that promise domain's purity (their header says so); held to domain's rules. */
export const pureModules = ['usecases/sign-in-plan.ts'];

/** Node builtins without I/O: string and byte handling only. Everything else in `node:` is impure. */
const pureBuiltins = new Set(['node:path', 'node:url', 'node:util', 'node:buffer', 'node:string_decoder']);

/** Packages domain may use: pure parsers and models. */
const domainPackages = new Set(['yaml']);

/** Which layers a layer must never import. Layers not named here import what they need. */
const forbidden: Record<string, readonly string[]> = {
  ports: ['adapters', 'usecases', 'cli', 'composition', 'webhook', 'emulator', 'bin'],
  adapters: ['usecases', 'cli', 'composition', 'webhook', 'emulator', 'bin'],
  usecases: ['cli', 'composition', 'emulator', 'bin'],
  webhook: ['cli', 'composition', 'emulator', 'bin'],
  portal: ['cli', 'composition', 'emulator', 'bin'],
  emulator: ['cli', 'composition', 'usecases', 'webhook', 'bin'],
  composition: ['cli', 'bin', 'emulator'],
  cli: ['bin'],
};

/**
 * Adapters a command may import itself: output renderers and flag choice lists, which do no I/O.
 * Everything else of the outside world reaches a command through the composition root (a type
 * from an adapter is fine: it builds nothing).
 */
export const cliAdapterAllowance = [/^adapters\/render\//, /^adapters\/entra\/graph-auth-modes\.ts$/];

/** The one module of the product that may start the emulator: the `kentra emulator` command, lazily. */
export const emulatorCommand = 'cli/emulator.ts';

export function layerViolations(graph: ImportGraph): Violation[] {
  const violations: Violation[] = [];
  const add = (rule: string, edge: ImportEdge) =>
    violations.push({ rule, where: `${edge.from} -> ${edge.to} (${edge.kind})` });
  for (const edge of graph.edges) {
    const from = layerOf(edge.from);
    const to = edge.internal ? layerOf(edge.to) : undefined;
    const pure = from === 'domain' || pureModules.includes(edge.from);
    if (pure || leafModules.includes(edge.from)) {
      const what =
        from === 'domain' ? 'domain' : pure ? `the pure ${edge.from}` : `the leaf module ${edge.from}`;
      if (to !== undefined && to !== 'domain' && !leafModules.includes(edge.to))
        add(`${what} imports only domain and leaf modules`, edge);
      else if (to === undefined && edge.to.startsWith('node:') && !pureBuiltins.has(edge.to))
        add(`${what} does no I/O (no impure node: builtins)`, edge);
      else if (to === undefined && !edge.to.startsWith('node:') && !domainPackages.has(edge.to))
        add(`${what} uses only the pure packages ${[...domainPackages].join(', ')}`, edge);
      continue;
    }
    if (to !== undefined && forbidden[from]?.includes(to)) add(`${from} must not import ${to}`, edge);
    if (
      from === 'cli' &&
      to === 'adapters' &&
      edge.kind !== 'type' &&
      !cliAdapterAllowance.some((allowed) => allowed.test(edge.to))
    )
      add('cli gets adapters from the composition root', edge);
    if (from === 'cli' && to === undefined && edge.to.startsWith('node:') && !pureBuiltins.has(edge.to))
      add('cli gets I/O from the composition root (no impure node: builtins)', edge);
    if (to === 'emulator' && from !== 'emulator' && !forbidden[from]?.includes(to)) {
      if (edge.from !== emulatorCommand)
        add('the product never imports the emulator (only `kentra emulator` does)', edge);
      else if (edge.kind !== 'dynamic') add('`kentra emulator` loads the emulator lazily (import())', edge);
    }
  }
  return violations;
}

/** Every import cycle (a strongly connected set of two or more modules, or a module importing itself). */
export function importCycles(graph: ImportGraph): Violation[] {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges)
    if (graph.modules.includes(edge.to)) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  // Tarjan's strongly connected components, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: Violation[] = [];
  let counter = 0;
  for (const start of graph.modules) {
    if (index.has(start)) continue;
    const work: { module: string; child: number }[] = [{ module: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { module: string; child: number };
      const children = next.get(frame.module) ?? [];
      if (frame.child < children.length) {
        const child = children[frame.child++] as string;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ module: child, child: 0 });
        } else if (onStack.has(child))
          low.set(frame.module, Math.min(low.get(frame.module) ?? 0, index.get(child) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.module, Math.min(low.get(parent.module) ?? 0, low.get(frame.module) ?? 0));
      if (low.get(frame.module) !== index.get(frame.module)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.module);
      const selfImport = children.includes(frame.module);
      if (component.length > 1 || selfImport)
        cycles.push({
          rule: 'no import cycles (type-only imports count)',
          where: component.sort().join(' <-> '),
        });
    }
  }
  return cycles;
}
