import { type Command, Option } from 'commander';
import type { Root } from '../composition/root.js';
import { KentraError } from '../errors.js';
import type { AuditRequest } from '../usecases/audit.js';
import { VERSION } from '../version.js';
import { type GraphAuthFlags, graphAuthOf, withGraphAuth } from './graph-auth.js';

interface AuditFlags extends GraphAuthFlags {
  k8sAudit?: string[];
  signins?: string[];
  directoryAudits?: string[];
  access?: string;
  usernamePrefix: string;
  utiExtraKey: string;
  sidExtraKey: string;
  oidExtraKey: string;
  appId?: string[];
  joinWindow: string;
  output: 'table' | 'json' | 'ocsf' | 'html';
  user?: string[];
  group?: string[];
  namespace?: string[];
  verb?: string[];
  resource?: string[];
  denied?: boolean;
  since?: string;
  until?: string;
  follow?: boolean;
  maxLineSize?: string;
}

const examples = `
Examples:
  # Who did what: the API server's audit log joined with exported Entra sign-ins
  kentra audit --k8s-audit /var/log/kubernetes/audit.log --signins signins.json

  # A folder of rotated logs (.gz too), denied requests of one user, as JSON lines
  kentra audit --k8s-audit /var/log/kubernetes/ --signins signins.json --user bob@contoso.com --denied -o json

  # OCSF for a SIEM, reading the audit log from stdin
  zcat audit-*.log.gz | kentra audit --k8s-audit - --signins signins.json -o ocsf > trail.ocsf.jsonl

  # A self-contained HTML timeline with filters, with group changes from directory audits
  kentra audit --k8s-audit audit.log --signins signins.json --directory-audits directory-audits.json -o html > trail.html

  # Watch live
  kentra audit --k8s-audit /var/log/kubernetes/audit.log --signins signins.json --follow

  # Straight from Microsoft Graph (AuditLog.Read.All), the last two hours, signed in with the Azure CLI
  kentra audit --k8s-audit audit.log --signins graph --since 2h --graph-auth azure-cli

Joins: exact when the API server maps the token's uti/sid claims into user.extra (kentra.yaml
identity.extra; --uti-extra-key, --sid-extra-key); otherwise a scored heuristic (oid + time
window + IP + app) with a confidence. Sign-in files: Graph signIn/directoryAudit JSON (array,
{"value": [...]} page, or JSON lines). Corrupt lines are reported as FILE:LINE on stderr and skipped.
`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

function collectPath(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerAudit(program: Command, root: Root): void {
  const command = program
    .command('audit')
    .description('Kubernetes audit events joined with Entra sign-ins')
    .requiredOption(
      '--k8s-audit <path>',
      'audit log file, folder of rotated logs (.gz too), or - for stdin (repeatable)',
      collectPath,
    )
    .option(
      '--signins <path|graph>',
      'Entra sign-ins: exported Graph JSON file(s), or "graph" (repeatable)',
      collectPath,
    )
    .option(
      '--directory-audits <path>',
      'Entra directory audits (group-membership changes), JSON (repeatable)',
      collectPath,
    )
    .option(
      '--access <file>',
      'kentra.yaml to learn claim mappings, app ids and Graph from (default: ./kentra.yaml if present)',
    )
    .option(
      '--username-prefix <prefix>',
      'prefix before the oid in usernames (default: access file, else "entra:")',
    )
    .option(
      '--uti-extra-key <key>',
      'user.extra key holding the token uti (default: access file, else "kentra.dev/uti")',
    )
    .option(
      '--sid-extra-key <key>',
      'user.extra key holding the token sid (default: access file, else "kentra.dev/sid")',
    )
    .option('--oid-extra-key <key>', 'user.extra key holding the oid (default: "kentra.dev/oid")')
    .option(
      '--app-id <id>',
      "the cluster's Entra app ids, client or resource (default: access file's app) (repeatable)",
      collect,
    )
    .option(
      '--join-window <duration>',
      'how long a token is used after its sign-in (default: policy.maxTokenAge, else 90m)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'ocsf', 'html'])
        .default('table'),
    )
    .option('--user <name>', 'only this user: UPN, oid or Kubernetes username (repeatable)', collect)
    .option(
      '--group <group>',
      'only members of / grants by this group: name or object id (repeatable)',
      collect,
    )
    .option('-n, --namespace <ns>', 'only requests in this namespace (repeatable)', collect)
    .option('--verb <verb>', 'only this verb: get, list, create, delete, ... (repeatable)', collect)
    .option(
      '--resource <resource>',
      'only this resource: pods, or pods/exec for a subresource (repeatable)',
      collect,
    )
    .option('--denied', 'only requests the authorizer denied')
    .option('--since <time>', 'from this time: RFC 3339 or a duration back from now (90m, 2h, 7d)')
    .option('--until <time>', 'up to this time: RFC 3339 or a duration back from now')
    .option('-f, --follow', 'keep reading the last audit log as the API server writes it (Ctrl-C ends)')
    .option(
      '--max-line-size <size>',
      'skip (and report as FILE:LINE) audit lines longer than this: 512KiB, 1MiB, 4MiB (default 1MiB)',
    )
    .addHelpText('after', examples);
  withGraphAuth(command).action((flags: AuditFlags) => runAuditCommand(flags, root));
}

async function runAuditCommand(flags: AuditFlags, root: Root): Promise<void> {
  const { ctx } = root;
  const { runAudit } = await import('../usecases/audit.js');
  if ((flags.k8sAudit ?? []).length === 0)
    throw new KentraError('usage', 'kentra audit needs at least one --k8s-audit PATH', {
      hint: 'Give the API server audit log (--audit-log-path), a folder of rotated logs, or - for stdin.',
    });
  await runAudit(await auditRequest(flags, ctx.now()), {
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    stdin: ctx.stdin,
    cwd: ctx.cwd,
    now: ctx.now,
    interrupted: ctx.interrupted,
    colour: ctx.stdoutIsTTY && (ctx.env.NO_COLOR ?? '') === '',
    progress: ctx.stderrIsTTY,
    productVersion: VERSION,
    env: ctx.env,
    readText: root.files.readText,
    openGraph: (access) =>
      access ? root.graphFor(graphAuthOf(flags), access) : root.graph(graphAuthOf(flags), {}, undefined),
  });
}

/** The flags as the use case's request: times and the join window read, filters defaulted. */
async function auditRequest(flags: AuditFlags, now: number): Promise<AuditRequest> {
  const { parseTimeBound } = await import('../domain/audit/trail-filter.js');
  const time = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const parsed = parseTimeBound(text, now);
    if (parsed === undefined)
      throw new KentraError('usage', `${flag} ${text}: not a time`, {
        hint: 'Use RFC 3339 (2026-11-29T04:00:00Z) or a duration back from now (90m, 2h, 7d).',
      });
    return parsed;
  };
  let windowMs: number | undefined;
  if (flags.joinWindow !== undefined) {
    const back = parseTimeBound(flags.joinWindow, 0);
    if (back === undefined || !/^\d/.test(flags.joinWindow))
      throw new KentraError('usage', `--join-window ${flags.joinWindow}: not a duration`, {
        hint: 'For example 90m or 2h.',
      });
    windowMs = -back;
  }
  return {
    auditPaths: flags.k8sAudit ?? [],
    signInPaths: [...(flags.signins ?? []), ...(flags.directoryAudits ?? [])],
    output: flags.output,
    accessPath: flags.access,
    mappings: {
      usernamePrefix: flags.usernamePrefix,
      utiExtraKey: flags.utiExtraKey,
      sidExtraKey: flags.sidExtraKey,
      oidExtraKey: flags.oidExtraKey,
    },
    join: { windowMs, appIds: flags.appId ?? [] },
    filter: {
      users: flags.user ?? [],
      groups: flags.group ?? [],
      namespaces: flags.namespace ?? [],
      verbs: flags.verb ?? [],
      resources: flags.resource ?? [],
      deniedOnly: flags.denied === true,
      since: time('--since', flags.since),
      until: time('--until', flags.until),
    },
    follow: flags.follow === true,
    maxLineChars: flags.maxLineSize === undefined ? undefined : lineSize(flags.maxLineSize),
  };
}

/** `--max-line-size`: a count of characters with an optional KiB/MiB unit (audit logs are ASCII JSON). */
function lineSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|K|M)?$/i.exec(text.trim());
  const units: Record<string, number> = { kib: 1024, k: 1024, mib: 1024 * 1024, m: 1024 * 1024 };
  const size = match ? Math.floor(Number(match[1]) * (units[(match[2] ?? '').toLowerCase()] ?? 1)) : 0;
  if (size < 1024 || size > 1024 * 1024 * 1024)
    throw new KentraError('usage', `--max-line-size ${text}: not a size between 1KiB and 1024MiB`, {
      hint: 'For example 1MiB (the default) or 4MiB.',
    });
  return size;
}
