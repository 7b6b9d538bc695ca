import { type Command, Option } from 'commander';
import type { Root } from '../composition/root.js';
import { type GraphAuthFlags, graphAuthOf, withGraphAuth } from './graph-auth.js';
import { accessOption, type OutputFormat, outputOption, renderData } from './output.js';
import { describeSummary, planData, planTable } from './plan-output.js';

interface RbacFlags extends GraphAuthFlags {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  prune?: boolean;
  dryRun?: boolean;
  output: OutputFormat;
}

const examples = `
Group names are resolved to object IDs through Microsoft Graph (GroupMember.Read.All), signed in as
--graph-auth says. Groups written as object IDs work without Graph (they are then not checked).

Examples:
  kentra rbac plan
  kentra rbac plan --cluster prod -o json
  kentra rbac apply --prune
  kentra rbac apply --dry-run > bindings.yaml
  kentra rbac prune --cluster prod`;

function common(command: Command): Command {
  return withGraphAuth(command)
    .addOption(accessOption())
    .option('--cluster <name>', 'cluster from the access file (default: the only one)')
    .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', "kubeconfig context (default: the cluster's context, else current-context)")
    .addOption(outputOption())
    .addHelpText('after', examples);
}

export function registerRbac(program: Command, root: Root): void {
  const { ctx } = root;
  const rbac = program.command('rbac').description('RBAC bindings for Entra groups: plan, apply, prune');
  const run = (mode: 'plan' | 'apply' | 'prune') => async (flags: RbacFlags) => {
    const { runRbac } = await import('../usecases/rbac.js');
    const { loadAccessFile } = await import('../usecases/load-access.js');
    const { selectCluster } = await import('../usecases/select-cluster.js');
    const access = await loadAccessFile(await root.resolve(flags.access), root.files.readText, flags.access);
    const cluster = selectCluster(access.file, flags.cluster);
    const graph = await root.graphFor(graphAuthOf(flags), access);
    const kube = await root.kube({ kubeconfig: flags.kubeconfig, context: flags.context ?? cluster.context });
    let result: Awaited<ReturnType<typeof runRbac>>;
    try {
      result = await runRbac(
        access,
        { cluster: cluster.name, mode, prune: flags.prune === true, dryRun: flags.dryRun === true },
        { kube, graph: graph?.client(), now: ctx.now, progress: root.progress },
      );
    } finally {
      kube.close();
    }
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
