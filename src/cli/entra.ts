import { type Command, Option } from 'commander';
import { displayValue as v } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import type { EntraCheckResult } from '../usecases/entra-check.js';
import type { EntraIo } from '../usecases/entra-connect.js';
import type { EntraSetupResult } from '../usecases/entra-setup.js';
import { type GraphAuthFlags, graphAuthOf, withGraphAuth } from './graph-auth.js';
import { accessOption, type OutputFormat, outputOption, renderData } from './output.js';

interface EntraFlags extends GraphAuthFlags {
  access: string;
  output: OutputFormat;
  dryRun?: boolean;
  appId?: string;
  scope?: string[];
}

const permissions = `
The identity needs Application.ReadWrite.All, AppRoleAssignment.ReadWrite.All and Group.Read.All
(check needs only read access), granted with admin consent.`;

function withAuth(command: Command): Command {
  return withGraphAuth(command.addOption(accessOption())).addHelpText('after', permissions);
}

export function registerEntra(program: Command, root: Root): void {
  const { ctx } = root;
  const entra = program.command('entra').description('the Entra app registration: setup, check');
  const io = (flags: EntraFlags): EntraIo => ({
    now: ctx.now,
    progress: root.progress,
    files: root.files,
    openGraph: (access) => root.graphFor(graphAuthOf(flags), access),
  });
  withAuth(
    entra
      .command('setup')
      .description('create or update the app registration, its service principal and group assignments'),
  )
    .option('--dry-run', 'print the Graph requests it would make (method, path, body); change nothing')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
It is idempotent: a second run changes nothing and says so; a run that failed halfway is completed
by the next. The client ID is written back into kentra.yaml (comments kept). With app.web.credential:
secret, the new client secret is printed once, on stdout only: store it at once.

Examples:
  kentra entra setup --dry-run
  kentra entra setup
  kentra entra setup --graph-auth device-code
  AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... kentra entra setup -o json`,
    )
    .action(async (flags: EntraFlags) => {
      const { entraSetup } = await import('../usecases/entra-setup.js');
      const result = await entraSetup(
        {
          access: flags.access,
          dryRun: flags.dryRun === true,
        },
        io(flags),
      );
      for (const warning of result.warnings) ctx.stderr.write(`warning: ${v(warning)}\n`);
      ctx.stdout.write(flags.output === 'table' ? setupTable(result) : renderData(result, flags.output));
    });
  withAuth(entra.command('check').description('audit an app registration for Kubernetes sign-in (read-only)'))
    .option('--app-id <id>', "check this app (client ID) instead of kentra.yaml's")
    .option('--scope <scope...>', 'scopes your sign-in client requests (to catch e.g. "groups")')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .addHelpText(
      'after',
      `
Exit status 1 when there is an error-level finding. Works on apps kentra did not create.

Examples:
  kentra entra check
  kentra entra check --app-id 0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c --scope openid profile offline_access groups
  kentra entra check -o json | jq '.findings[].code'`,
    )
    .action(async (flags: EntraFlags) => {
      const { entraCheck } = await import('../usecases/entra-check.js');
      const result = await entraCheck(
        {
          access: flags.access,
          appId: flags.appId,
          scopes: flags.scope ?? [],
        },
        io(flags),
      );
      ctx.stdout.write(flags.output === 'table' ? checkTable(result) : renderData(result, flags.output));
      if (result.errors > 0) {
        const { KentraError } = await import('../errors.js');
        const where =
          result.others.length === 0
            ? `app registration "${result.displayName}" has`
            : `the app registrations of ${flags.access} have`;
        throw new KentraError(
          'entra.app',
          `${where} ${result.errors} problem${result.errors === 1 ? '' : 's'} (listed above)`,
          {
            hint: 'Fix each finding as its hint says; `kentra entra setup` fixes all of them for the app of kentra.yaml.',
          },
        );
      }
    });
}

// JSON.stringify escapes C0 controls but not C1 or bidi controls: escaped again (terminal-text.ts).
const json = (value: unknown) => v(JSON.stringify(value) ?? 'undefined');

export function setupTable(result: EntraSetupResult): string {
  const lines: string[] = [`Tenant ${v(result.tenantId)}:`];
  const status = { assigned: 'assigned', unchanged: 'already assigned', planned: 'would assign' } as const;
  for (const app of result.apps) {
    const role =
      app.role === 'web'
        ? `web client${app.clusters.length > 0 ? ` for ${app.clusters.map(v).join(', ')}` : ' (no cluster)'}`
        : `clusters ${app.clusters.map(v).join(', ') || '(none of its own)'}${app.environment ? ` (${v(app.environment)})` : ''}`;
    lines.push(
      `App registration "${v(app.displayName)}" (client ID ${v(app.appId)}${app.created ? ', new' : ''}), ${role}:`,
    );
    if (app.drift.length > 0) {
      lines.push('  drift from kentra.yaml:');
      for (const change of app.drift)
        lines.push(
          `    - ${change.field}: ${json(change.current)}`,
          `    + ${change.field}: ${json(change.desired)}`,
        );
    }
    for (const group of app.groups)
      lines.push(`  group ${v(group.group)} (${v(group.id)}): ${status[group.status]}`);
    if (app.groups.length > 0)
      lines.push(
        `  Only members of ${app.groups
          .map((group) => v(group.group))
          .sort()
          .join(
            ', ',
          )} can get a token; anyone else gets AADSTS50105 (not assigned): add them to one of these groups, or a rule for their group.`,
      );
    for (const other of app.otherAssignments)
      lines.push(
        `  also assigned, named by no rule (left as is): ${v(other.type)} ${v(other.displayName)} (${v(other.id)})`,
      );
  }
  if (result.requests.length > 0) {
    lines.push(result.dryRun ? 'Graph requests it would make (none sent):' : 'Graph requests made:');
    for (const request of result.requests) {
      lines.push(`    ${request.method} ${v(request.path)}   # ${v(request.summary)}`);
      if (request.body !== undefined) lines.push(`      ${json(request.body)}`);
    }
  }
  for (const what of result.migrated)
    lines.push(
      `  ${result.dryRun ? 'would move' : 'moved'} to the web client's own app: ${v(what)} (point the web client at its new client ID and credential)`,
    );
  if (result.secret)
    lines.push(
      `  client secret ${result.secret.displayName} (key ${result.secret.keyId}, expires ${result.secret.endDateTime}):`,
      `    ${result.secret.secretText}`,
      '    shown once: store it now (e.g. in your secret manager); kentra keeps no copy.',
    );
  const fields = result.written.filter((field) => !/^rules\[/.test(field));
  if (fields.length > 0)
    lines.push(
      `  ${result.dryRun ? 'would write' : 'wrote'} into the access file: ${fields.map(v).join(', ')}`,
    );
  for (const pin of result.pinned)
    lines.push(
      `  ${result.dryRun ? 'would pin' : 'pinned'} rules[${pin.ruleIndex}] to group ${pin.id} (groupId: a group taking over its name later is refused)`,
    );
  if (!result.changed) lines.push('No changes: the app registrations match kentra.yaml.');
  else if (result.dryRun)
    lines.push('Dry run: nothing was changed. Run `kentra entra setup` to make these changes.');
  else lines.push(`Done: ${result.requests.length} change${result.requests.length === 1 ? '' : 's'} made.`);
  return `${lines.join('\n')}\n`;
}

export function checkTable(result: EntraCheckResult): string {
  const lines: string[] = [];
  const apps = [
    { appId: result.appId, displayName: result.displayName, findings: result.findings, role: '' },
    ...result.others.map((app) => ({
      ...app,
      role: app.role === 'web' ? ' (web client)' : ` (environment ${v(app.environment ?? '')})`,
    })),
  ];
  for (const app of apps) {
    lines.push(
      `App registration "${v(app.displayName)}" (client ID ${v(app.appId)})${app.role} in tenant ${v(result.tenantId)}:`,
    );
    for (const finding of app.findings)
      lines.push(
        `  ${finding.severity === 'error' ? 'ERROR  ' : 'warning'} ${finding.code}  [${v(finding.field)}]`,
        `          ${v(finding.message)}`,
        `          fix: ${v(finding.hint)}`,
      );
    if (app.findings.length === 0) lines.push('  no problems found');
  }
  if (result.errors + result.warnings > 0)
    lines.push(`${result.errors} error(s), ${result.warnings} warning(s).`);
  return `${lines.join('\n')}\n`;
}
