import { type Command, Option } from 'commander';
import type { Plan } from '../domain/bindings/plan.js';
import type { CliContext } from './context.js';
import { accessOption, type OutputFormat, outputOption, renderData } from './output.js';

interface RbacFlags {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  prune?: boolean;
  dryRun?: boolean;
  output: OutputFormat;
}

const examples = `
Group names are resolved to object IDs through Microsoft Graph with the token in KENTRA_GRAPH_TOKEN
(for example: export KENTRA_GRAPH_TOKEN=$(az account get-access-token --resource-type ms-graph --query accessToken -o tsv)).
Groups written as object IDs need no Graph token.

Examples:
  kentra rbac plan
  kentra rbac plan --cluster prod -o json
  kentra rbac apply --prune
  kentra rbac apply --dry-run > bindings.yaml
  kentra rbac prune --cluster prod`;

function common(command: Command): Command {
  return command
    .addOption(accessOption())
    .option('--cluster <name>', 'cluster from the access file (default: the only one)')
    .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', "kubeconfig context (default: the cluster's context, else current-context)")
    .addOption(outputOption())
    .addHelpText('after', examples);
}

export function registerRbac(program: Command, ctx: CliContext): void {
  const rbac = program.command('rbac').description('RBAC bindings for Entra groups: plan, apply, prune');
  const run = (mode: 'plan' | 'apply' | 'prune') => async (flags: RbacFlags) => {
    const { runRbac } = await import('../usecases/rbac.js');
    const { nodeFiles } = await import('../adapters/files.js');
    const result = await runRbac(
      {
        access: flags.access,
        cluster: flags.cluster,
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        mode,
        prune: flags.prune === true,
        dryRun: flags.dryRun === true,
      },
      { env: ctx.env, now: ctx.now, progress: (line) => ctx.stderr.write(`${line}\n`), files: nodeFiles },
    );
    for (const warning of result.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    if (flags.dryRun && mode === 'apply') {
      const { stringify } = await import('yaml');
      const manifests = result.plan.changes.flatMap((change) =>
        change.action === 'create' || change.action === 'update' || change.action === 'replace'
          ? [change.desired]
          : [],
      );
      ctx.stdout.write(
        flags.output === 'json'
          ? renderData({ apiVersion: 'v1', kind: 'List', items: manifests }, 'json')
          : manifests.map((manifest) => stringify(manifest)).join('---\n'),
      );
      ctx.stderr.write(`${describeSummary(result.plan)} (dry run: nothing applied)\n`);
      return;
    }
    if (flags.output !== 'table')
      ctx.stdout.write(renderData(planData(result.plan, result.applied !== undefined), flags.output));
    else ctx.stdout.write(planTable(result.plan, mode, result.applied !== undefined));
  };
  common(rbac.command('plan').description('show what apply would change, without changing anything'))
    .option('--prune', 'also plan removing kentra-managed bindings the file no longer declares')
    .action(run('plan'));
  common(rbac.command('apply').description('create and update the bindings the access file declares'))
    .option('--prune', 'also remove kentra-managed bindings the file no longer declares')
    .addOption(new Option('--dry-run', 'print the manifests instead of applying them'))
    .action(run('apply'));
  common(
    rbac.command('prune').description('remove kentra-managed bindings the access file no longer declares'),
  ).action(run('prune'));
}

const symbols = { create: '+', update: '~', replace: '±', delete: '-', orphan: '!', unchanged: '=' } as const;

function describeSummary(plan: Plan): string {
  const { create, update, replace, delete: remove, orphan, unchanged } = plan.summary;
  if (plan.empty)
    return `No changes: cluster "${plan.cluster}" matches the access file (${unchanged} bindings up to date${orphan ? `, ${orphan} no longer declared` : ''}).`;
  return `Plan: ${create} to create, ${update} to update, ${replace} to replace, ${remove} to delete, ${unchanged} unchanged.`;
}

function planTable(plan: Plan, mode: string, applied: boolean): string {
  const lines = [`Cluster "${plan.cluster}":`];
  for (const change of plan.changes) {
    const object = 'desired' in change ? change.desired : change.current;
    const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    const what = `${object.kind} ${where}${object.metadata.name}`;
    const subject = object.subjects?.[0]?.name ?? '';
    const group = object.metadata.annotations?.['kentra.dev/group-name'] ?? '';
    let note = `${group} (${subject}) -> ${object.roleRef.kind} ${object.roleRef.name}`;
    if (change.action === 'update') note += `  [${change.fields.join(', ')}]`;
    if (change.action === 'delete') note += `  [${change.reason}]`;
    if (change.action === 'orphan') note += '  [not declared any more; --prune removes it]';
    lines.push(`  ${symbols[change.action]} ${change.action.padEnd(9)} ${what}  ${note}`);
  }
  if (plan.changes.length === 0) lines.push('  (no bindings)');
  lines.push(describeSummary(plan));
  if (applied) lines.push('Applied.');
  else if (mode === 'plan' && !plan.empty) lines.push('Run `kentra rbac apply` to make these changes.');
  return `${lines.join('\n')}\n`;
}

function planData(plan: Plan, applied: boolean): unknown {
  return {
    cluster: plan.cluster,
    empty: plan.empty,
    applied,
    summary: plan.summary,
    changes: plan.changes.map((change) => {
      const object = 'desired' in change ? change.desired : change.current;
      return {
        action: change.action,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        group: object.metadata.annotations?.['kentra.dev/group-name'],
        subject: object.subjects?.[0]?.name,
        roleRef: { kind: object.roleRef.kind, name: object.roleRef.name },
        ...(change.action === 'update' ? { fields: change.fields } : {}),
        ...(change.action === 'delete' ? { reason: change.reason } : {}),
      };
    }),
  };
}
