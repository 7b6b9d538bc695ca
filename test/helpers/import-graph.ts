/**
 * The imports of src/, read with the TypeScript parser (a regular expression
 * misses `import type` spread over lines, `export … from` and `import('x')`
 * types). Every kind counts: a type-only import still ties two modules
 * together for a reader and for a refactoring, so cycles through types are
 * cycles too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'static' | 'type' | 'dynamic';

export interface ImportEdge {
  /** The importing module, relative to the root with forward slashes, e.g. `cli/main.ts`. */
  from: string;
  /** The imported module in the same form, or the bare specifier (`node:fs`, `yaml`) for outside modules. */
  to: string;
  kind: ImportKind;
  /** A module of the tree (a relative specifier), as opposed to a builtin or a package. */
  internal: boolean;
}

export interface ImportGraph {
  modules: string[];
  edges: ImportEdge[];
}

/** Reads every `.ts` file under `root` (tests excluded: there are none in src/). */
export function readImportGraph(root: string): ImportGraph {
  const modules = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.split('\\').join('/'))
    .sort();
  const edges = modules.flatMap((module) =>
    importsOf(readFileSync(join(root, module), 'utf8'), module).map((found) => ({
      from: module,
      to: found.specifier.startsWith('.') ? resolveRelative(root, module, found.specifier) : found.specifier,
      kind: found.kind,
      internal: found.specifier.startsWith('.'),
    })),
  );
  return { modules, edges };
}

/** `./x.js` written in `a/b.ts` is the module `a/x.ts`. */
function resolveRelative(root: string, from: string, specifier: string): string {
  const target = resolve(root, dirname(from), specifier).replace(/\.js$/, '.ts');
  return relative(root, target).split('\\').join('/');
}

interface FoundImport {
  specifier: string;
  kind: ImportKind;
}

/** The module specifiers of one file, each with how it is imported. */
export function importsOf(text: string, fileName = 'module.ts'): FoundImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: FoundImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier))
      found.push({ specifier: node.moduleSpecifier.text, kind: isTypeOnlyImport(node) ? 'type' : 'static' });
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push({ specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'static' });
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) found.push({ specifier: expression.text, kind: 'static' });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push({ specifier: node.arguments[0].text, kind: 'dynamic' });
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      found.push({ specifier: node.argument.literal.text, kind: 'type' });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `import type {…}`, or an import whose every named binding says `type`. */
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}
