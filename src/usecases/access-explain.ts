/**
 * `kentra access explain USER VERB RESOURCE`: whether the user may, and which
 * binding, role, rule and Entra group grant it, or why not.
 */
import type { EntraDirectory } from '../domain/rbac/directory.js';
import { type Explanation, explain } from '../domain/rbac/explain.js';
import { type ResolvedIdentity, resolveIdentity } from '../domain/rbac/identity.js';
import { parseAccessRequest } from '../domain/rbac/request-parse.js';
import { type AccessInputDeps, type AccessInputOptions, loadAccessInputs } from './access-inputs.js';

export interface AccessExplainOptions extends AccessInputOptions {
  readonly who: string;
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  /** Extra Kubernetes groups for the user (as `kubectl auth can-i --as-group`). */
  readonly groups: readonly string[];
}

export interface AccessExplainResult {
  readonly identity: ResolvedIdentity;
  readonly explanation: Explanation;
  /** For naming Entra groups in the output. */
  readonly directory: EntraDirectory;
  readonly source: string;
  readonly warnings: readonly string[];
}

export async function explainAccess(
  options: AccessExplainOptions,
  deps: AccessInputDeps,
): Promise<AccessExplainResult> {
  const request = parseAccessRequest(options);
  const inputs = await loadAccessInputs(options, deps);
  const identity = resolveIdentity(options.who, inputs.directory, inputs.mapping, options.groups);
  const warnings = [...inputs.warnings];
  if (identity.kind === 'User' && options.namesFile !== undefined && options.who.includes('@'))
    warnings.push(`"${options.who}" is not in ${options.namesFile}; evaluated as a Kubernetes user name`);
  const explanation = explain(inputs.evaluator, identity.user, request, inputs.directory, inputs.mapping);
  return { identity, explanation, directory: inputs.directory, source: inputs.source, warnings };
}
