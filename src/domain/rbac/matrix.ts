/**
 * The access matrix: for each subject, which verbs on which resources,
 * cluster-wide and per namespace. Cells are computed from the same compiled
 * rules and upstream matchers as single checks, so a cell says "get" exactly
 * when a SubjectAccessReview for get on that resource (without a name) allows.
 *
 * - The cluster-wide row (scope "") holds what ClusterRoleBindings grant: for
 *   cluster-scoped resources, and for namespaced ones in every namespace.
 * - A namespace row holds, for the resources where the namespace's RoleBindings
 *   add something, the effective verbs there (cluster-wide + RoleBindings);
 *   resources where nothing is added are left to the cluster-wide row, and a
 *   namespace where nothing is added has no row.
 * - Rules limited by resourceNames grant only the named objects; they are kept
 *   apart (`limited`) so "get secrets" never over-claims.
 */
import type { RbacEvaluator, SubjectAccess } from './evaluator.js';
import type { MatrixSubject } from './matrix-subjects.js';
import type { RbacSnapshot } from './model.js';
import type { CatalogResource } from './resource-catalog.js';
import type { RuleIndex } from './rule-index.js';
import { all, apiGroupMatches } from './rule-matching.js';

export const standardVerbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];

export interface MatrixCell {
  /** Verbs allowed on every object of the resource, in the matrix's verb order. */
  readonly verbs: readonly string[];
  /** A rule says verbs: ["*"] (also verbs the matrix has no column for). */
  readonly anyVerb: boolean;
  /** Verbs allowed only on the listed object names (resourceNames). */
  readonly limited: Readonly<Record<string, readonly string[]>>;
}

export interface MatrixRow {
  readonly subject: number;
  /** "" = cluster-wide (all namespaces); otherwise a namespace. */
  readonly scope: string;
  /** Aligned with AccessMatrix.resources; undefined = nothing. */
  readonly cells: readonly (MatrixCell | undefined)[];
  /** Non-resource URLs (cluster-wide rows only): verb -> URL patterns. */
  readonly nonResourceURLs: Readonly<Record<string, readonly string[]>>;
}

export interface AccessMatrix {
  readonly verbs: readonly string[];
  readonly resources: readonly CatalogResource[];
  readonly subjects: readonly MatrixSubject[];
  readonly namespaces: readonly string[];
  readonly rows: readonly MatrixRow[];
}

export interface MatrixOptions {
  /** Namespaces to show rows for (default: every namespace of the snapshot and its bindings). */
  readonly namespaces?: readonly string[];
}

/**
 * The verbs a `*` rule is spelled out as: the standard eight and the three that
 * escalate (RBAC's escalate and bind, impersonate). A fixed list, so a cell never
 * depends on unrelated roles; other verbs a rule names (use, approve, sign,
 * proxy, ...) appear in the cells they are granted for.
 */
export const matrixVerbs: readonly string[] = [...standardVerbs, 'escalate', 'bind', 'impersonate'];

export function computeMatrix(
  evaluator: RbacEvaluator,
  subjects: readonly MatrixSubject[],
  resources: readonly CatalogResource[],
  verbs: readonly string[],
  options: MatrixOptions = {},
): AccessMatrix {
  const namespaces = options.namespaces ?? allNamespaces(evaluator.snapshot);
  const namespaced = resources.map((resource) => resource.namespaced);
  const rows: MatrixRow[] = [];
  subjects.forEach((subject, subjectIndex) => {
    const access = evaluator.forUser(subject.user);
    const cluster = access.cluster();
    const clusterCells = resources.map((resource) => cellFor([cluster], resource, verbs, access));
    rows.push({
      subject: subjectIndex,
      scope: '',
      cells: clusterCells,
      nonResourceURLs: access.privileged ? { [all]: [all] } : nonResourceUrls(cluster),
    });
    if (access.privileged) return;
    for (const namespace of namespaces) {
      const local = access.namespace(namespace);
      if (local.isEmpty) continue;
      let adds = false;
      const cells = resources.map((resource, index) => {
        if (!namespaced[index]) return undefined;
        const cell = cellFor([cluster, local], resource, verbs, access);
        if (sameCell(cell, clusterCells[index])) return undefined;
        adds = true;
        return cell;
      });
      if (adds) rows.push({ subject: subjectIndex, scope: namespace, cells, nonResourceURLs: {} });
    }
  });
  return { verbs, resources, subjects, namespaces, rows };
}

function allNamespaces(snapshot: RbacSnapshot): string[] {
  const names = new Set(snapshot.namespaces);
  for (const binding of snapshot.roleBindings) names.add(binding.namespace);
  return [...names].sort();
}

function cellFor(
  indexes: readonly RuleIndex[],
  resource: CatalogResource,
  verbs: readonly string[],
  access: SubjectAccess,
): MatrixCell | undefined {
  if (access.privileged) return { verbs, anyVerb: true, limited: {} };
  let full: Set<string> | undefined;
  let anyVerb = false;
  let limited: Map<string, Set<string>> | undefined;
  for (const index of indexes) {
    for (const list of index.candidates(resource.resource, resource.subresource)) {
      for (const { rule } of list) {
        if (!apiGroupMatches(rule, resource.apiGroup)) continue;
        const wildcard = rule.verbs.includes(all);
        const ruleVerbs = wildcard ? verbs : rule.verbs;
        if (rule.resourceNames.length === 0) {
          full ??= new Set();
          for (const verb of ruleVerbs) full.add(verb);
          if (wildcard) anyVerb = true;
        } else {
          limited ??= new Map();
          for (const verb of ruleVerbs) {
            let names = limited.get(verb);
            if (!names) {
              names = new Set();
              limited.set(verb, names);
            }
            for (const name of rule.resourceNames) names.add(name);
          }
        }
      }
    }
  }
  if (!full && !limited) return undefined;
  const limitedOut: Record<string, string[]> = {};
  for (const [verb, names] of limited ?? []) if (!full?.has(verb)) limitedOut[verb] = [...names].sort();
  const extra = [...(full ?? [])].filter((verb) => !verbs.includes(verb)).sort();
  const ordered = [...verbs.filter((verb) => full?.has(verb)), ...extra];
  if (ordered.length === 0 && Object.keys(limitedOut).length === 0) return undefined;
  return { verbs: ordered, anyVerb, limited: limitedOut };
}

function nonResourceUrls(index: RuleIndex): Record<string, string[]> {
  const byVerb = new Map<string, Set<string>>();
  for (const { rule } of index.nonResourceEntries())
    for (const verb of rule.verbs) {
      let urls = byVerb.get(verb);
      if (!urls) {
        urls = new Set();
        byVerb.set(verb, urls);
      }
      for (const url of rule.nonResourceURLs) urls.add(url);
    }
  return Object.fromEntries([...byVerb].map(([verb, urls]) => [verb, [...urls].sort()]));
}

function sameCell(a: MatrixCell | undefined, b: MatrixCell | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.anyVerb !== b.anyVerb || a.verbs.length !== b.verbs.length) return false;
  if (!a.verbs.every((verb, index) => verb === b.verbs[index])) return false;
  return JSON.stringify(a.limited) === JSON.stringify(b.limited);
}

/** Drops resource columns nobody has any access to (keeps the output readable). */
export function withoutEmptyColumns(matrix: AccessMatrix): AccessMatrix {
  const keep = matrix.resources.map((_, index) => matrix.rows.some((row) => row.cells[index] !== undefined));
  return {
    ...matrix,
    resources: matrix.resources.filter((_, index) => keep[index]),
    rows: matrix.rows.map((row) => ({ ...row, cells: row.cells.filter((_, index) => keep[index]) })),
  };
}
