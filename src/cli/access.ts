/**
 * `kentra access matrix` and `kentra access explain`: offline RBAC evaluation
 * of a live cluster or of manifests, with Entra names. Flags here; the work is
 * in src/usecases/access-*.ts, loaded only when the command runs.
 */

import { type Command, CommanderError, Option } from 'commander';
import { displayValue } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import type { CliContext } from '../ports/cli-context.js';
import type { AccessInputDeps, AccessInputOptions } from '../usecases/access-inputs.js';
import type { AccessMatrixResult } from '../usecases/access-matrix.js';

interface SourceFlags {
  filename?: string[];
  kubeconfig?: string;
  context?: string;
  names?: string;
  userPrefix: string;
  groupPrefix: string;
  defaults: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addSourceOptions(command: Command): Command {
  return command
    .option(
      '-f, --filename <path>',
      'manifest file or folder (YAML/JSON, repeatable); default: the live cluster',
      collect,
    )
    .option('--kubeconfig <path>', 'kubeconfig for the live cluster (default: $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option(
      '--names <file>',
      'Entra names file: users (id, displayName, userPrincipalName, groups) and groups (id, displayName)',
    )
    .option('--user-prefix <prefix>', 'prefix the API server puts before an Entra user object ID', 'entra:')
    .option(
      '--group-prefix <prefix>',
      'prefix the API server puts before an Entra group object ID',
      'entra:group:',
    )
    .option('--no-defaults', "with -f: leave out the API server's bootstrap roles and bindings");
}

/** What the source flags say, as the use cases' options, and where to read it from (the root). */
async function inputWiring(
  flags: SourceFlags,
  root: Root,
): Promise<{ options: AccessInputOptions; deps: AccessInputDeps }> {
  const options: AccessInputOptions = {
    files: await Promise.all((flags.filename ?? []).map((path) => root.resolve(path))),
    withDefaults: flags.defaults,
    mapping: { userPrefix: flags.userPrefix, groupPrefix: flags.groupPrefix },
    ...(flags.names === undefined ? {} : { namesFile: await root.resolve(flags.names) }),
  };
  return { options, deps: await root.accessInputs(flags) };
}

function printWarnings(ctx: CliContext, warnings: readonly string[]): void {
  for (const warning of warnings) ctx.stderr.write(`kentra: warning: ${displayValue(warning)}\n`);
}

export function registerAccess(program: Command, root: Root): void {
  const access = program.command('access').description('who can do what where, by Entra name (offline RBAC)');
  registerMatrix(access, root);
  registerExplain(access, root);
}

type MatrixFlags = SourceFlags & {
  output: MatrixFormat;
  outputFile?: string;
  namespace?: string[];
  includeSystem: boolean;
  entraOnly: boolean;
};

function registerMatrix(access: Command, root: Root): void {
  const matrix = access
    .command('matrix')
    .description('who (by Entra name) can do which verbs on which resources in which namespaces')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices([...matrixFormats]).default('table'),
    )
    .option('--output-file <path>', 'write the output to a file instead of stdout')
    .option(
      '-n, --namespace <name>',
      'only rows for this namespace (repeatable; cluster-wide rows always shown)',
      collect,
    )
    .option('--include-system', 'also list subjects named system:* (Kubernetes components)', false)
    .option(
      '--entra-only',
      'only Entra users and groups as rows (no other users, groups, ServiceAccounts)',
      false,
    );
  addSourceOptions(matrix).addHelpText(
    'after',
    `
Rows are Entra users (as they sign in: prefixed object ID, their prefixed groups and
system:authenticated), Entra groups (what membership alone grants) and every other subject
of a binding. The cluster-wide row is what ClusterRoleBindings grant; a namespace row
appears when RoleBindings there add to it. Verbs limited to named objects are shown as
verb(name,...). With -f the API server's bootstrap roles and bindings are added and
aggregated ClusterRoles are recomputed, as a cluster would.

Examples:
  kentra access matrix --names entra-names.yaml
  kentra access matrix -f rbac/ --names entra-names.yaml -o html --output-file access.html
  kentra access matrix -n team-a -o csv > team-a.csv
  kentra access matrix -o json | jq '.rows[] | select(.access["secrets"])'`,
  );
  matrix.action((flags: MatrixFlags) => runMatrix(flags, root));
}

async function runMatrix(flags: MatrixFlags, root: Root): Promise<void> {
  const { ctx } = root;
  const { options, deps } = await inputWiring(flags, root);
  const { buildAccessMatrix } = await import('../usecases/access-matrix.js');
  const result = await buildAccessMatrix(
    {
      ...options,
      namespaces: flags.namespace ?? [],
      includeSystem: flags.includeSystem,
      entraOnly: flags.entraOnly,
    },
    deps,
  );
  printWarnings(ctx, result.warnings);
  const text = await matrixRenderers[flags.output](result, ctx.now());
  if (flags.outputFile === undefined) {
    ctx.stdout.write(text);
    return;
  }
  const { KentraError } = await import('../errors.js');
  const path = await root.resolve(flags.outputFile);
  await root.files.writeText(path, text).catch((cause: unknown) => {
    throw new KentraError('io.write', `cannot write ${path}`, {
      cause,
      hint: 'Check that the folder exists and is writable.',
    });
  });
  ctx.stderr.write(`[access] wrote ${flags.output} (${result.matrix.rows.length} rows) to ${path}\n`);
}

const matrixFormats = ['table', 'json', 'csv', 'html'] as const;
type MatrixFormat = (typeof matrixFormats)[number];

/** Output format -> renderer, each loaded only when chosen. */
const matrixRenderers: Record<MatrixFormat, (result: AccessMatrixResult, now: number) => Promise<string>> = {
  table: async (result) =>
    (await import('../adapters/render/matrix-table.js')).renderMatrixTable(result.matrix),
  json: async (result) => {
    const { matrixJson } = await import('../adapters/render/matrix-json.js');
    return `${JSON.stringify(matrixJson(result.matrix, result.source), null, 2)}\n`;
  },
  csv: async (result) => (await import('../adapters/render/matrix-csv.js')).renderMatrixCsv(result.matrix),
  html: async (result, now) =>
    (await import('../adapters/render/html-matrix.js')).renderHtmlMatrix(result.matrix, {
      source: result.source,
      generatedAt: new Date(now).toISOString(),
      warnings: result.warnings,
    }),
};

type ExplainFlags = SourceFlags & { namespace?: string; name?: string; group?: string[]; output: string };

function registerExplain(access: Command, root: Root): void {
  const explain = access
    .command('explain')
    .description('why USER may (or may not) VERB RESOURCE: the binding, role, rule and Entra group')
    .argument(
      '<user>',
      'Entra user (object ID, UPN or display name), group:NAME, system:serviceaccount:NS:NAME, or a Kubernetes user',
    )
    .argument(
      '<verb>',
      'get, list, watch, create, update, patch, delete, deletecollection, escalate, bind, impersonate, *, ...',
    )
    .argument(
      '<resource>',
      'RESOURCE[.GROUP][/SUBRESOURCE] as in RBAC rules (pods, pods/log, deployments.apps/scale) or a /url',
    )
    .option('-n, --namespace <name>', 'namespace of the request (default: cluster-wide)')
    .option('--name <name>', 'object name (for rules with resourceNames)')
    .option('--group <name>', 'an extra Kubernetes group for the user (repeatable)', collect)
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  addSourceOptions(explain).addHelpText(
    'after',
    `
Exit status: 0 when allowed, 1 when denied (as kubectl auth can-i), 2 for usage errors.

Examples:
  kentra access explain alice@contoso.com get pods -n team-a --names entra-names.yaml
  kentra access explain "Alice Example" create deployments.apps/scale -n team-a --names names.yaml
  kentra access explain group:"AKS Admins" delete secrets -n prod --names names.yaml -o json
  kentra access explain system:serviceaccount:ci:deployer patch deployments.apps -n prod -f rbac/
  kentra access explain bob get /healthz`,
  );
  explain.action((who: string, verb: string, resource: string, flags: ExplainFlags) =>
    runExplain({ who, verb, resource }, flags, root),
  );
}

async function runExplain(
  request: { who: string; verb: string; resource: string },
  flags: ExplainFlags,
  root: Root,
): Promise<void> {
  const { ctx } = root;
  const { options, deps } = await inputWiring(flags, root);
  const { explainAccess } = await import('../usecases/access-explain.js');
  const result = await explainAccess(
    {
      ...options,
      ...request,
      namespace: flags.namespace ?? '',
      name: flags.name ?? '',
      groups: flags.group ?? [],
    },
    deps,
  );
  printWarnings(ctx, result.warnings);
  if (flags.output === 'json') {
    const { identity, explanation, source } = result;
    ctx.stdout.write(
      `${JSON.stringify({ source, identity: { kind: identity.kind, description: identity.description }, ...explanation }, null, 2)}\n`,
    );
  } else {
    const { renderExplanation } = await import('../adapters/render/explain-text.js');
    ctx.stdout.write(
      renderExplanation(result.identity, result.explanation, result.directory, options.mapping),
    );
  }
  // Denied is an answer, not an error: exit 1 without an error message, as `kubectl auth can-i`.
  if (!result.explanation.allowed) throw new CommanderError(1, 'kentra.access.denied', '');
}
