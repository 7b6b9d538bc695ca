import type { Command } from 'commander';
import { displayValue as v } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import type { WhoamiResult } from '../usecases/whoami.js';
import { type GraphAuthFlags, graphAuthOf, withGraphAuth } from './graph-auth.js';
import { type OutputFormat, outputOption, renderData, timeUntil } from './output.js';

interface WhoamiFlags extends GraphAuthFlags {
  kubeconfig?: string;
  context?: string;
  access?: string;
  output: OutputFormat;
}

const examples = `
The token is the one kubectl would send for the context: its user runs \`kentra get-token\` (written by
\`kentra kubeconfig\`; a cached token is used, a sign-in opens only when none is valid) or holds a token.
Group object IDs are named through Microsoft Graph (GroupMember.Read.All) when a Graph sign-in is
found (--graph-auth); the Graph URL, tenant and CA come from the access file when there is one
(./kentra.yaml or --access).

Examples:
  kentra whoami
  kentra whoami --context prod-entra -o json
  kentra whoami --graph-auth azure-cli`;

export function registerWhoami(program: Command, root: Root): void {
  const { ctx } = root;
  const command = program
    .command('whoami')
    .description('who you are to the cluster (SelfSubjectReview) and to Entra (token claims, group names)')
    .option('--kubeconfig <path>', 'kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--access <path>', 'access file for the Graph URL and CA (default: ./kentra.yaml when present)')
    .addOption(outputOption())
    .addHelpText('after', examples);
  withGraphAuth(command).action(async (flags: WhoamiFlags) => {
    const [{ whoami }, { loadAccessFile }, { defaultGraph }] = await Promise.all([
      import('../usecases/whoami.js'),
      import('../usecases/load-access.js'),
      import('../domain/entra/clouds.js'),
    ]);
    const user = await root.userSide(flags);
    const source = await user.tokenSource(flags.context);
    // Graph: the access file's tenant when there is one, else Microsoft Graph with get-token's CA.
    const accessPath = await root.resolve(flags.access ?? 'kentra.yaml');
    const access = await loadAccessFile(accessPath, root.files.readText).catch((error: unknown) => {
      if (flags.access) throw error;
      // No ./kentra.yaml is normal for a user; a broken one is worth a word.
      if ((error as { code?: string }).code !== 'io.read')
        ctx.stderr.write(`warning: ${v(accessPath)} not used: ${v((error as Error).message)}\n`);
      return undefined;
    });
    const auth = graphAuthOf(flags);
    const graph = access
      ? await root.graphFor(auth, access)
      : await root.graph(
          auth,
          { graph: defaultGraph },
          source.kind === 'get-token' ? source.input.caFile : undefined,
        );
    const result = await whoami({
      obtainToken: () => user.obtain(source),
      reviewToken: user.review,
      graph: graph?.client(),
      now: ctx.now,
    });
    for (const warning of result.warnings) ctx.stderr.write(`warning: ${v(warning)}\n`);
    ctx.stdout.write(
      flags.output === 'table' ? whoamiTable(result, ctx.now()) : renderData(result, flags.output),
    );
  });
}

function row(label: string, values: readonly string[]): string[] {
  if (values.length === 0) return [`  ${label.padEnd(14)}(none)`];
  // Values are the token's claims, the API server's answer and Entra names: escaped (terminal-text.ts).
  return values.map((value, i) => `  ${(i === 0 ? label : '').padEnd(14)}${v(value)}`);
}

export function whoamiTable(result: WhoamiResult, now: number): string {
  const names = new Map((result.entra?.groups ?? []).map((group) => [group.id, group.name]));
  const lines = ['Kubernetes (the API server, SelfSubjectReview)'];
  const review = result.kubernetes;
  if (review.accepted) {
    lines.push(...row('username', [review.user.username]));
    lines.push(
      ...row(
        'groups',
        review.user.groups.map((group) => {
          const id = [...names.keys()].find((each) => group.endsWith(each));
          const name = id ? names.get(id) : undefined;
          return name ? `${group}  (${name})` : group;
        }),
      ),
    );
    lines.push(
      ...row(
        'extra',
        Object.entries(review.user.extra).map(([key, values]) => `${key}: ${values.join(', ')}`),
      ),
    );
  } else lines.push(`  not authenticated: ${review.status} ${v(review.message)}`);
  const entra = result.entra;
  if (entra) {
    lines.push('', 'Entra (the token)');
    lines.push(...row('name', [entra.displayName ?? '(none)']));
    lines.push(...row('UPN', [entra.upn ?? '(none)']));
    lines.push(...row('object ID', [entra.oid ?? '(none)']));
    lines.push(...row('tenant', [entra.tenantId ?? '(none)']));
    lines.push(
      ...row('issuer', [`${entra.issuer ?? '(none)'}${entra.version ? ` (v${entra.version})` : ''}`]),
    );
    lines.push(...row('audience', entra.audience));
    lines.push(
      ...row(
        'groups',
        entra.groupsOverage
          ? [
              `overage: the token lists no groups${entra.graphGroupCount !== undefined ? ` (Graph: member of ${entra.graphGroupCount})` : ''}`,
            ]
          : entra.groups.map((group) => `${group.id}  ${group.name ?? '(name not resolved)'}`),
      ),
    );
    lines.push(
      ...row('expires', [
        entra.expiresAt ? `${entra.expiresAt} (${timeUntil(entra.expiresAt, now)})` : '(none)',
      ]),
    );
    lines.push(...row('auth context', entra.authenticationContexts));
    if (entra.methods.length > 0) lines.push(...row('methods', entra.methods));
    if (entra.guest) lines.push(...row('account', ['guest (B2B)']));
  }
  return `${lines.join('\n')}\n`;
}
