/**
 * `kentra access matrix`: who (by Entra name) can do which verbs on which
 * resources in which namespaces, computed offline from a cluster's RBAC or
 * from manifests.
 */
import { type AccessMatrix, computeMatrix, matrixVerbs, withoutEmptyColumns } from '../domain/rbac/matrix.js';
import { matrixSubjects } from '../domain/rbac/matrix-subjects.js';
import { catalogFor } from '../domain/rbac/resource-catalog.js';
import { type AccessInputDeps, type AccessInputOptions, loadAccessInputs } from './access-inputs.js';

export interface AccessMatrixOptions extends AccessInputOptions {
  /** Only these namespaces get rows (cluster-wide rows are always there). */
  readonly namespaces?: readonly string[];
  /** Also subjects named `system:...` (Kubernetes' own components). */
  readonly includeSystem: boolean;
  /** Only Entra users and groups as rows. */
  readonly entraOnly?: boolean;
}

export interface AccessMatrixResult {
  readonly matrix: AccessMatrix;
  readonly source: string;
  readonly warnings: readonly string[];
}

export async function buildAccessMatrix(
  options: AccessMatrixOptions,
  deps: AccessInputDeps,
): Promise<AccessMatrixResult> {
  const inputs = await loadAccessInputs(options, deps);
  const { evaluator } = inputs;
  const snapshot = evaluator.snapshot;
  const subjects = matrixSubjects(snapshot, inputs.directory, inputs.mapping, {
    includeSystem: options.includeSystem,
  });
  const rules = [...snapshot.clusterRoles, ...snapshot.roles].flatMap((role) => role.rules);
  const matrix = computeMatrix(evaluator, subjects, catalogFor(rules, inputs.served), matrixVerbs, {
    ...(options.namespaces && options.namespaces.length > 0 ? { namespaces: options.namespaces } : {}),
  });
  deps.progress(`[access] ${subjects.length} subjects, ${matrix.rows.length} rows`);
  return { matrix: withoutEmptyColumns(matrix), source: inputs.source, warnings: inputs.warnings };
}
