import { type Command, Option } from 'commander';
import type { Root } from '../composition/root.js';
import type { ClusterGrant } from '../domain/pim/grant-preview.js';
import type { ActivateResult, EndResult, Options, StatusResult } from '../usecases/elevate.js';
import { isInteractive, type LoginChoice, loginModes } from '../usecases/sign-in-plan.js';
import { accessOption, type OutputFormat, outputOption, renderData } from './output.js';

/** Elevation is a person's act: only the modes where a person signs in. */
const personModes = loginModes.filter(isInteractive);

interface ElevateFlags {
  access: string;
  for?: string;
  reason?: string;
  ticket?: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  loginHint?: string;
  login?: LoginChoice;
  browserCommand?: string;
  status?: boolean;
  end?: boolean;
  wait: boolean;
  approvalTimeout: string;
  timeout: string;
  output: OutputFormat;
}

const examples = `
Without a group: what you are eligible for in PIM (Entra's Privileged Identity Management for
Groups), among the groups the access file's rules name, and what each grants on each cluster.
With a group: activates your membership for --for, waits until Entra lists it, refreshes the
token kubectl sends (the cluster's kubeconfig context, or the access file's app), and says when
it ends. A group whose policy needs MFA or an authentication context signs you in again first;
one that needs approval waits for the approver (--no-wait returns at once).

Graph is called as you (delegated: PIM self-activation acts for the signed-in user), with the
sign-in kubectl uses; the app needs the delegated permissions in docs/elevate.md.

Examples:
  kentra elevate
  kentra elevate oncall --for 2h --reason "INC-4711: pods stuck" --cluster prod
  kentra elevate --status
  kentra elevate --end oncall`;

export function registerElevate(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('elevate')
    .description('just-in-time access: activate an eligible Entra group (PIM) and use it in kubectl at once')
    .argument('[group]', 'the group to activate (display name or object ID, as in the access file)')
    .addOption(accessOption())
    .option('--for <duration>', 'how long, e.g. 2h, 30m (up to the policy maximum)')
    .option('--reason <text>', 'justification recorded by PIM (most policies require one)')
    .option('--ticket <number>', 'ticket number, when the policy asks for one')
    .option('--cluster <name>', 'cluster from the access file whose kubectl token to refresh')
    .option('--kubeconfig <path>', 'kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', "kubeconfig context whose token to refresh (default: the cluster's)")
    .option('--login-hint <upn>', 'the account to sign in with')
    .addOption(
      new Option('-l, --login <mode>', 'how to sign in (default: auto, as get-token)').choices([
        'auto',
        ...personModes,
      ]),
    )
    .option('--browser-command <cmd>', 'command that opens the sign-in URL (given as last argument)')
    .option('--status', 'show active and pending elevations')
    .option('--end', 'end an active elevation now')
    .option('--no-wait', 'do not wait for an approver')
    .option('--approval-timeout <duration>', 'longest wait for an approver', '15m')
    .option('--timeout <duration>', 'longest wait for a sign-in, and for Entra to apply the change', '3m')
    .addOption(outputOption())
    .addHelpText('after', examples)
    .action(async (group: string | undefined, flags: ElevateFlags) => {
      const [elevate, { durationMs }, { KentraError }] = await Promise.all([
        import('../usecases/elevate.js'),
        import('../usecases/get-token-args.js'),
        import('../errors.js'),
      ]);
      if (flags.status && flags.end) throw new KentraError('usage', '--status and --end do not go together');
      const timeoutMs = durationMs(flags.timeout, '--timeout');
      const { access, deps } = await root.elevation({ ...flags, timeoutMs });
      const write = (text: string, data: unknown) =>
        ctx.stdout.write(flags.output === 'table' ? text : renderData(data, flags.output));
      if (flags.status) {
        const status = await elevate.elevationStatus(access.file, deps);
        return write(statusTable(status, ctx.now()), status);
      }
      if (flags.end) {
        const ended = await elevate.endElevation(access.file, group, deps, timeoutMs);
        return write(endTable(ended), ended);
      }
      if (!group) {
        const options = await elevate.elevationOptions(access.file, deps);
        return write(optionsTable(options), options);
      }
      if (!flags.for)
        throw new KentraError('usage', 'say how long with --for, e.g. --for 2h', {
          hint: 'The group’s PIM policy sets the maximum; kentra elevate (no group) shows it.',
        });
      const result = await elevate.activate(
        access.file,
        {
          group,
          durationMs: durationMs(flags.for, '--for'),
          reason: flags.reason,
          ticket: flags.ticket,
          approvalTimeoutMs: flags.wait ? durationMs(flags.approvalTimeout, '--approval-timeout') : 0,
          effectiveTimeoutMs: timeoutMs,
        },
        deps,
      );
      write(activateTable(result, ctx.now()), result);
    });
}

function left(end: string | null | undefined, now: number): string {
  if (!end) return 'no end';
  const ms = Date.parse(end) - now;
  if (ms <= 0) return `ended ${end}`;
  const minutes = Math.round(ms / 60_000);
  const text =
    minutes < 120 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `until ${end} (${text} left)`;
}

function grantLines(grants: readonly ClusterGrant[], indent: string): string[] {
  if (grants.length === 0) return [`${indent}(no rule of the access file applies to a cluster)`];
  return grants.flatMap((cluster) =>
    cluster.grants.map((grant) => {
      const what = grant.roleKnown
        ? grant.can.join(', ') || 'none of the common actions'
        : 'a role defined on the cluster';
      return `${indent}${cluster.cluster}: ${grant.scope}: ${grant.role} (${what})`;
    }),
  );
}

function optionsTable(result: Options): string {
  if (result.options.length === 0)
    return `${result.user.userPrincipalName ?? result.user.id} is eligible for no group the access file maps.\n`;
  const lines = [`${result.user.userPrincipalName ?? result.user.id} can elevate into:`];
  for (const option of result.options) {
    const policy = option.policy;
    const needs = policy
      ? [
          policy.maximumDuration ? `up to ${policy.maximumDuration.replace(/^PT?/, '').toLowerCase()}` : '',
          policy.justification ? 'reason' : '',
          policy.ticket ? 'ticket' : '',
          policy.mfa ? 'MFA' : '',
          policy.authenticationContext ? `auth context ${policy.authenticationContext}` : '',
          policy.approval ? 'approval' : '',
        ].filter(Boolean)
      : ['policy not readable'];
    const state = option.active ? ' [active]' : option.pending ? ` [${option.pending.status}]` : '';
    lines.push(`  ${option.group.displayName ?? option.group.id}${state}  (${needs.join(', ')})`);
    lines.push(...grantLines(option.grants, '      '));
  }
  lines.push('', 'Activate with: kentra elevate GROUP --for 2h --reason "…"');
  return `${lines.join('\n')}\n`;
}

function activateTable(result: ActivateResult, now: number): string {
  const name = result.group.displayName ?? result.group.id;
  if (result.outcome === 'pending-approval')
    return `Requested ${name}: waiting for an approver (request ${result.request?.id}). kentra elevate --status shows it.\n`;
  const lines = [
    `${result.outcome === 'already-active' ? 'Already a member of' : 'Elevated into'} ${name} ${left(result.end, now)}.`,
  ];
  if (result.timings)
    lines.push(
      `  Entra listed the membership after ${(result.timings.graphMs / 1000).toFixed(1)} s; ` +
        `the cluster token ${result.tokenCarriesGroup ? 'carries' : 'does not list'} the group after ${(result.timings.tokenMs / 1000).toFixed(1)} s.`,
    );
  lines.push(...grantLines(result.grants, '  '));
  return `${lines.join('\n')}\n`;
}

function statusTable(status: StatusResult, now: number): string {
  const lines: string[] = [];
  lines.push(status.active.length > 0 ? 'Active elevations:' : 'No active elevation.');
  for (const m of status.active) lines.push(`  ${m.group.displayName ?? m.group.id}  ${left(m.end, now)}`);
  if (status.pending.length > 0) lines.push('Pending requests:');
  for (const r of status.pending)
    lines.push(
      `  ${r.group.displayName ?? r.group.id}  ${r.status} since ${r.createdDateTime ?? '?'} (request ${r.id})`,
    );
  return `${lines.join('\n')}\n`;
}

function endTable(result: EndResult): string {
  const name = result.group.displayName ?? result.group.id;
  return `Ended ${name}. The cluster token ${result.tokenCarriesGroup ? 'still lists it (Entra has not caught up yet)' : 'no longer carries it'}.\n`;
}
