/**
 * `kentra kubeconfig convert`: rewrites kubeconfig users made by `az aks
 * get-credentials` (Azure/kubelogin exec, or the legacy azure auth-provider)
 * and by int128/kubelogin into users that run `kentra get-token`.
 */
import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import { KentraError } from '../errors.js';
import type { ConvertResult } from '../usecases/kubeconfig-convert.js';

interface Options {
  kubeconfig?: string;
  context?: string;
  tenant?: string;
  clientId?: string;
  authority?: string;
  command: string;
  dryRun?: boolean;
  output: string;
}

export function registerKubeconfigConvert(parent: Command, root: Root): void {
  const { ctx } = root;
  parent
    .command('convert')
    .description('rewrite az aks get-credentials / kubelogin users to sign in with kentra get-token')
    .option('--kubeconfig <path>', 'kubeconfig to convert (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'convert only the user of this context')
    .option('--tenant <id>', 'tenant for users that have none (kubelogin read it from the environment)')
    .option('--client-id <id>', "client ID instead of the entry's own")
    .option('--authority <url>', 'authority host instead of the one --environment or the issuer names')
    .option(
      '--command <path>',
      'executable kubectl runs (an absolute path suits kuberc allowlists)',
      'kentra',
    )
    .option('--dry-run', 'show what would change as a diff (secrets redacted); write nothing')
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      `
Converted: users whose exec runs Azure/kubelogin (what \`az aks get-credentials\` writes),
the legacy \`auth-provider: azure\`, and int128/kubelogin (\`kubectl oidc-login get-token\`) with an
Entra ID issuer. Only their exec changes; every other entry, comment and order in the files
is kept. Each user is changed in the KUBECONFIG file that holds it, under kubectl's lock.

  kubelogin -l devicecode        --login devicecode
  kubelogin -l interactive       --login browser
  kubelogin -l spn               --login spn (secret from AZURE_CLIENT_SECRET, or --client-certificate)
  kubelogin -l workloadidentity  --login workloadidentity (AZURE_FEDERATED_TOKEN_FILE)
  kubelogin -l azurecli          --login azurecli (az's account; the token cached by kentra)
  kubelogin -l msi               --login msi (--client-id becomes --identity-client-id)
  kubelogin -l ropc              browser or device code (kentra never sends a password; said per user)
  AKS: --token-type access --scope <server-id>/.default, the audience kubelogin asked for.
  oidc-login: the issuer gives --tenant and --authority and stays as --expect-issuer.

Secrets in the entries (--client-secret, --password, cached auth-provider tokens) are
dropped, never copied.

Examples:
  kentra kubeconfig convert --dry-run
  kentra kubeconfig convert --context my-aks
  kentra kubeconfig convert --kubeconfig ./aks.kubeconfig --tenant contoso.onmicrosoft.com -o json`,
    )
    .action(async (options: Options) => {
      if (options.output !== 'table' && options.output !== 'json')
        throw new KentraError('usage', `--output must be table or json, not "${options.output}"`);
      const { convertKubeconfig } = await import('../usecases/kubeconfig-convert.js');
      const result = await convertKubeconfig(
        {
          context: options.context,
          overrides: { tenant: options.tenant, clientId: options.clientId, authority: options.authority },
          command: options.command,
          dryRun: options.dryRun === true,
        },
        { kubeconfig: await root.kubeconfig({ kubeconfig: options.kubeconfig }) },
      );
      if (options.output === 'json') {
        ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (result.dryRun) for (const file of result.files) ctx.stdout.write(file.diff ?? '');
      const report = result.dryRun ? ctx.stderr : ctx.stdout;
      report.write(summary(result));
    });
}

const before = {
  'azure-kubelogin': 'kubelogin -l',
  'azure-auth-provider': 'auth-provider azure,',
  'oidc-login': 'oidc-login --grant-type',
};

function summary(result: ConvertResult): string {
  const lines: string[] = [];
  const verb = result.dryRun ? 'Would convert' : 'Converted';
  if (result.converted.length === 0) lines.push('No user to convert.');
  else lines.push(`${verb} ${result.converted.length} user${result.converted.length === 1 ? '' : 's'}:`);
  for (const user of result.converted) {
    const login = user.args[user.args.indexOf('--login') + 1];
    const now = user.args.includes('--login') ? `--login ${login}` : '(browser or device code)';
    lines.push(`  ${user.user}  (${user.file})`);
    lines.push(`    ${before[user.from]} ${user.mode}  ->  kentra get-token ${now}`);
    for (const note of user.notes) lines.push(`    note: ${note}`);
  }
  if (result.skipped.length > 0) lines.push('Left as they were:');
  for (const user of result.skipped) lines.push(`  ${user.user}  (${user.file}): ${user.reason}`);
  for (const file of result.files)
    if (file.reformattedLines > 0)
      lines.push(
        `note: ${file.path}: the YAML writer also lays out ${file.reformattedLines} line(s) differently (same content)`,
      );
  const context = result.converted.flatMap((user) => user.contexts)[0];
  if (context && !result.dryRun) lines.push(`Try it: kubectl --context ${context} get --raw /version`);
  return `${lines.join('\n')}\n`;
}
