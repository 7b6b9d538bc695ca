/**
 * What `kentra access matrix` and `kentra access explain` evaluate: the RBAC
 * objects (a live cluster, or manifests plus the API server's bootstrap
 * defaults), aggregated as the cluster would have them, and who is who in
 * Entra (a names file for now).
 */
import { aggregateClusterRoles } from '../domain/rbac/aggregation.js';
import { bootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import {
  type EntraDirectory,
  emptyDirectory,
  type IdentityMapping,
  parseNamesFile,
} from '../domain/rbac/directory.js';
import { RbacEvaluator } from '../domain/rbac/evaluator.js';
import type { RbacSnapshot } from '../domain/rbac/model.js';
import type { ParsedRbac } from '../domain/rbac/parse.js';
import type { CatalogResource } from '../domain/rbac/resource-catalog.js';
import { overlaySnapshot } from '../domain/rbac/snapshot-merge.js';

export interface AccessInputOptions {
  /** Manifest files or folders; empty means the live cluster. */
  readonly files: readonly string[];
  /** Add the API server's bootstrap roles and bindings to manifests (default true). */
  readonly withDefaults: boolean;
  /** A names file (YAML or JSON) with Entra users and groups. */
  readonly namesFile?: string;
  readonly mapping: IdentityMapping;
}

export interface AccessInputDeps {
  readonly rbacFromFiles: (paths: readonly string[]) => Promise<ParsedRbac>;
  /** The cluster's RBAC objects, and the resources it serves (discovery) for the scope of each. */
  readonly rbacFromCluster: () => Promise<
    ParsedRbac & { server: string; served: readonly CatalogResource[]; unavailable: readonly string[] }
  >;
  /** Reads and parses a YAML or JSON file. */
  readonly readDocument: (path: string) => Promise<unknown>;
  readonly progress: (line: string) => void;
}

export interface AccessInputs {
  readonly evaluator: RbacEvaluator;
  readonly directory: EntraDirectory;
  readonly mapping: IdentityMapping;
  /** "cluster https://..." or "manifests a.yaml, b/" (+ bootstrap defaults). */
  readonly source: string;
  /** Resources the live cluster serves, or the CustomResourceDefinitions among the manifests. */
  readonly served: readonly CatalogResource[];
  /** Things the user should know (skipped kinds, aggregation not settled, ...). */
  readonly warnings: readonly string[];
}

export async function loadAccessInputs(
  options: AccessInputOptions,
  deps: AccessInputDeps,
): Promise<AccessInputs> {
  const warnings: string[] = [];
  let snapshot: RbacSnapshot;
  let source: string;
  let served: readonly CatalogResource[] = [];
  if (options.files.length > 0) {
    const parsed = await deps.rbacFromFiles(options.files);
    noteSkipped(parsed, warnings);
    // Manifests may lack what the cluster adds: the bootstrap objects, and the
    // aggregation controller's result. Recompute both.
    const combined = options.withDefaults
      ? overlaySnapshot(bootstrapDefaults(), parsed.snapshot)
      : parsed.snapshot;
    const aggregated = aggregateClusterRoles(combined.clusterRoles);
    warnings.push(...aggregated.problems);
    snapshot = { ...combined, clusterRoles: aggregated.clusterRoles };
    served = parsed.served;
    source = `manifests ${options.files.join(', ')}${options.withDefaults ? ' + Kubernetes bootstrap RBAC' : ''}`;
  } else {
    const live = await deps.rbacFromCluster();
    snapshot = live.snapshot;
    served = live.served;
    source = `cluster ${live.server}`;
    if (live.unavailable.length > 0)
      warnings.push(`discovery failed for API groups ${live.unavailable.join(', ')}; their scope is assumed`);
    // Live rules are what the authorizer enforces; only say when aggregation has not settled.
    const aggregated = aggregateClusterRoles(snapshot.clusterRoles);
    if (aggregated.changed.length > 0)
      warnings.push(
        `aggregated ClusterRoles not yet filled by kube-controller-manager: ${aggregated.changed.join(', ')} (answers use the stored rules, which the API server enforces)`,
      );
  }
  deps.progress(
    `[access] ${source}: ${snapshot.clusterRoles.length} ClusterRoles, ${snapshot.roles.length} Roles, ${snapshot.clusterRoleBindings.length} ClusterRoleBindings, ${snapshot.roleBindings.length} RoleBindings`,
  );
  const directory =
    options.namesFile === undefined
      ? emptyDirectory
      : parseNamesFile(await deps.readDocument(options.namesFile), options.namesFile);
  return {
    evaluator: new RbacEvaluator(snapshot),
    directory,
    mapping: options.mapping,
    source,
    served,
    warnings,
  };
}

function noteSkipped(parsed: ParsedRbac, warnings: string[]): void {
  if (parsed.skipped.size === 0) return;
  const kinds = [...parsed.skipped].map(([kind, count]) => `${count} ${kind}`).join(', ');
  warnings.push(`skipped objects that are not RBAC: ${kinds}`);
}
