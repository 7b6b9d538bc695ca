import { type Command, Option } from 'commander';
import { displayValue as v } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import type { CheckResult } from '../domain/verify/checks.js';
import { type LoginChoice, loginChoiceOf, loginModes } from '../usecases/sign-in-plan.js';
import type { VerifyResult } from '../usecases/verify.js';
import { type GraphAuthFlags, graphAuthOf, withGraphAuth } from './graph-auth.js';
import { accessOption, type OutputFormat, outputOption, renderData } from './output.js';

interface VerifyFlags extends GraphAuthFlags {
  access: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  userContext?: string;
  loginHint?: string;
  login?: string;
  grantType?: string;
  browserCommand?: string;
  tokenType: 'id' | 'access';
  scope?: string[];
  timeout: string;
  output: OutputFormat;
}

const examples = `
Checks, in order: issuer discovery (and v1/v2 mix-ups), a fresh token from Entra, its issuer and
audience, the access file's sign-in policy, the API server's answer (401 vs 403), username and group
prefixes as the API server maps them, groups in the token (overage), kentra-managed bindings against
the access file (drift), the baseline of users in no mapped group against Kubernetes' defaults, and
cluster-admin / wildcard / risky grants outside the access file.

The token is signed in for the access file's app (a refresh token is used when cached), or taken from
--user-context, a kubeconfig context written by \`kentra kubeconfig\`. RBAC is read with --kubeconfig /
--context (default: the cluster's context in the access file). Group names and the "is the user in no
group?" answer come from Microsoft Graph (--graph-auth).
Exit status: 0 when no check failed, 1 otherwise.

Examples:
  kentra verify
  kentra verify --cluster prod --login-hint alex@contoso.com
  kentra verify --user-context prod-entra
  kentra verify -o json | jq '.checks[] | select(.status == "fail")'`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerVerify(program: Command, root: Root): void {
  const command = program
    .command('verify')
    .description('walk the chain for a cluster (Entra -> token -> API server -> RBAC) and check each link')
    .addOption(accessOption())
    .option('--cluster <name>', 'cluster from the access file (default: the only one)')
    .option('--kubeconfig <path>', 'kubeconfig to read RBAC with (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', "kubeconfig context to read RBAC with (default: the cluster's context)")
    .option(
      '--user-context <name>',
      'verify the token of this kubeconfig context (one that runs kentra get-token)',
    )
    .option('--login-hint <upn>', 'the account to sign in with')
    .addOption(
      new Option('-l, --login <mode>', 'how to sign in (default: auto, as get-token)').choices([
        'auto',
        ...loginModes,
      ]),
    )
    .addOption(
      new Option('--grant-type <type>', 'the older name of --login')
        .choices(['auto', 'authcode', 'device-code', 'client-credentials', 'workload-identity'])
        .hideHelp(),
    )
    .option('--browser-command <cmd>', 'command that opens the sign-in URL (given as last argument)')
    .addOption(
      new Option('--token-type <type>', 'verify an ID token or an access token')
        .choices(['id', 'access'])
        .default('id'),
    )
    .option('--scope <scope>', 'scope of the access token (repeatable)', collect)
    .option('--timeout <duration>', 'longest wait for the sign-in', '3m')
    .addOption(outputOption())
    .addHelpText('after', examples);
  withGraphAuth(command).action((flags: VerifyFlags) => runVerify(flags, root));
}

async function runVerify(flags: VerifyFlags, root: Root): Promise<void> {
  const { ctx } = root;
  const [{ verify }, { loadAccessFile }, { selectCluster }, tokens, { durationMs }, { KentraError }] =
    await Promise.all([
      import('../usecases/verify.js'),
      import('../usecases/load-access.js'),
      import('../usecases/select-cluster.js'),
      import('../usecases/user-token.js'),
      import('../usecases/get-token-args.js'),
      import('../errors.js'),
    ]);
  const access = await loadAccessFile(await root.resolve(flags.access), root.files.readText);
  const { tenant } = access.file;
  const cluster = selectCluster(access.file, flags.cluster);
  const caFile = tenant.certificateAuthorityFile && access.resolvePath(tenant.certificateAuthorityFile);
  const graph = await root.graphFor(graphAuthOf(flags), access);
  const context = flags.context ?? cluster.context;
  const user = await root.userSide({ kubeconfig: flags.kubeconfig, context });
  const source = flags.userContext
    ? await user.tokenSource(flags.userContext)
    : tokens.signInFromAccessFile(
        access,
        {
          loginHint: flags.loginHint,
          login: loginChoiceOf(flags.login ?? flags.grantType ?? 'auto') as LoginChoice,
          browserCommand: flags.browserCommand,
          tokenType: flags.tokenType,
          scopes: flags.scope,
          timeoutMs: durationMs(flags.timeout, '--timeout'),
        },
        cluster,
      );
  // "Freshly obtained": a cached token proves nothing about today's configuration.
  const fresh =
    source.kind === 'get-token' ? { ...source, input: { ...source.input, forceRefresh: true } } : source;
  const kube = await root.kube({ kubeconfig: flags.kubeconfig, context });
  let result: VerifyResult;
  try {
    result = await verify(
      access,
      { cluster: cluster.name },
      {
        kube,
        graph: graph?.client(),
        fetchJson: await root.fetchJson(caFile),
        obtainToken: () => user.obtain(fresh),
        reviewToken: user.review,
        now: ctx.now,
        progress: root.progress,
      },
    );
  } finally {
    kube.close();
  }
  // Warnings go to stderr for people (stdout stays the report) and into the report for scripts.
  for (const warning of result.warnings) ctx.stderr.write(`warning: ${v(warning)}\n`);
  ctx.stdout.write(flags.output === 'table' ? verifyTable(result) : renderData(result, flags.output));
  const failed = result.checks.filter((check) => check.status === 'fail');
  if (failed.length > 0)
    throw new KentraError(
      'verify.failed',
      `${failed.length} of ${result.checks.length} checks failed on cluster "${result.cluster}": ${failed.map((check) => check.id).join(', ')}`,
      { hint: 'Each failed line above carries its fix.' },
    );
}

const marks = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** Summaries quote the cluster, Entra and the access file: each value is escaped (terminal-text.ts). */
export function verifyTable(result: VerifyResult): string {
  const width = Math.max(...result.checks.map((check) => check.id.length));
  const lines = [`Cluster "${v(result.cluster)}":`];
  for (const check of result.checks) lines.push(...checkLines(check, width));
  const count = (status: CheckResult['status']) =>
    result.checks.filter((check) => check.status === status).length;
  lines.push(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return `${lines.join('\n')}\n`;
}

function checkLines(check: CheckResult, width: number): string[] {
  const indent = ' '.repeat(width + 9);
  const lines = [`  ${marks[check.status]}  ${check.id.padEnd(width)}  ${v(check.summary)}`];
  for (const detail of check.details ?? []) lines.push(`${indent}- ${v(detail)}`);
  if (check.hint) lines.push(`${indent}fix: ${v(check.hint)}`);
  return lines;
}
