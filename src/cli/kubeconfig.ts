/**
 * `kentra kubeconfig`: adds a context whose user signs in through
 * `kentra get-token` to the kubeconfig (or prints it with --stdout).
 */
import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import { defaultAuthority } from '../domain/entra/clouds.js';
import { KentraError } from '../errors.js';
import { loginChoiceOf, loginModes } from '../usecases/sign-in-plan.js';
import { registerKubeconfigConvert } from './kubeconfig-convert.js';

interface Options {
  access?: string;
  cluster?: string;
  clusterName?: string;
  server?: string;
  certificateAuthority?: string;
  tlsServerName?: string;
  namespace?: string;
  user?: string;
  context?: string;
  command: string;
  tenant?: string;
  clientId?: string;
  authority?: string;
  tokenType?: string;
  scope: string[];
  loginHint?: string;
  login?: string;
  grantType?: string;
  clientCertificate?: string;
  identityClientId?: string;
  idpCertificateAuthority?: string;
  browserCommand?: string;
  accessGroup?: string;
  expectIssuer?: string;
  expectAudience?: string;
  kubeconfig?: string;
  force?: boolean;
  useContext?: boolean;
  stdout?: boolean;
  output: string;
}

/** Required flags of `kentra kubeconfig` itself, checked in its action (commander would demand them of `convert` too). */
const required = {
  clusterName: '--cluster-name <name>',
  server: '--server <url>',
  tenant: '--tenant <id>',
  clientId: '--client-id <id>',
} as const;

export function registerKubeconfig(program: Command, root: Root): void {
  const { ctx } = root;
  const command = program
    .command('kubeconfig')
    // `kentra kubeconfig convert --kubeconfig F`: the flag belongs to convert, not to this command.
    .enablePositionalOptions()
    .description('add an Entra sign-in context to your kubeconfig')
    .option(
      '--access <file>',
      'take the settings of a cluster from this access file (kentra.yaml); flags given still win',
    )
    .option('--cluster <name>', "the access file's cluster (implies --access ./kentra.yaml)")
    .option('--cluster-name <name>', 'name of the cluster entry (required without --access)')
    .option('--server <url>', 'API server URL (https) (required without --access)')
    .option(
      '--certificate-authority <file>',
      "PEM file with the API server's CA (embedded in the kubeconfig)",
    )
    .option('--tls-server-name <name>', 'server name to verify in the API server certificate')
    .option('--namespace <ns>', 'default namespace of the context')
    .option('--user <name>', 'name of the user entry (default: the context name)')
    .option('--context <name>', 'name of the context (default: CLUSTER or CLUSTER-LOGIN_HINT)')
    .option(
      '--command <path>',
      'executable kubectl runs (an absolute path suits kuberc allowlists)',
      'kentra',
    )
    .option('--tenant <id>', 'Entra tenant ID or verified domain (required without --access)')
    .option('--client-id <id>', 'application (client) ID of the Kubernetes app (required without --access)')
    .option(
      '--authority <url>',
      `authority host (the kentra emulator, a sovereign cloud; default ${defaultAuthority})`,
    )
    .option(
      '--token-type <type>',
      'id or access (default: id; access for --login azurecli, msi, workloadidentity, spn)',
    )
    .option(
      '--scope <scope>',
      'scope to request (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--login-hint <upn>', 'the account; one context per account keeps their tokens apart')
    .option('-l, --login <mode>', `how get-token signs in: ${loginModes.join(' | ')} (default: auto)`)
    .option('--grant-type <type>', 'the older name of --login')
    .option('--client-certificate <file>', '--login spn: PEM or PFX file of the service principal')
    .option('--identity-client-id <id>', '--login msi: client ID of a user-assigned managed identity')
    .option('--idp-certificate-authority <file>', "PEM file with the CA of the authority's TLS certificate")
    .option('--browser-command <cmd>', 'command that opens the sign-in URL')
    .option('--access-group <name>', 'Entra group that grants access (named in "not assigned" errors)')
    .option(
      '--expect-issuer <url>',
      "the cluster's issuer URL: get-token explains a token from another issuer",
    )
    .option(
      '--expect-audience <aud>',
      "the cluster's audience: get-token explains a token for another audience",
    )
    .option('--kubeconfig <path>', 'file to write (default: the file kubectl would write, see below)')
    .option('--force', 'replace entries of the same names that differ')
    .option('--use-context', 'make the new context the current one')
    .option('--stdout', 'print a kubeconfig with just these entries instead of writing a file')
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      `
Entries with the same names and content are left as they are; entries of the same
name with other content are refused unless --force. Other entries, comments and
order in the file are kept. The result is validated the way kubectl reads it.

The file is the one kubectl would write: an entry that exists is changed in the file
that holds it; new entries and current-context go to --kubeconfig, else the only
KUBECONFIG file, else the first KUBECONFIG file that exists, else the last one,
else ~/.kube/config. A symlinked file is written through its link, keeps its mode,
and is replaced atomically under kubectl's lock (<file>.lock).

With --access (or --cluster), the tenant, authority, the cluster's server and CA, and the
token the cluster accepts come from the access file: an ID token of the cluster's app (its
environment's app when it has one), or, for an app ID URI audience, an access token for
<uri>/.default; --expect-issuer and --expect-audience are the cluster's.

Examples:
  kentra kubeconfig --access kentra.yaml --cluster prod --login-hint alice@contoso.com --use-context
  kentra kubeconfig --cluster-name prod --server https://prod.example:6443 \\
    --certificate-authority prod-ca.pem --tenant contoso.onmicrosoft.com --client-id 6f1c… \\
    --login-hint alice@contoso.com --use-context
  kentra kubeconfig --cluster-name dev --server https://127.0.0.1:6443 --tenant $TID \\
    --client-id $APP --stdout > dev.kubeconfig`,
    )
    .action(async (options: Options) => {
      const fromAccess = options.access !== undefined || options.cluster !== undefined;
      if (!fromAccess)
        for (const [key, flag] of Object.entries(required))
          if (!options[key as keyof typeof required])
            throw new KentraError('usage', `required option '${flag}' not specified`, {
              hint: 'See `kentra kubeconfig --help` (--access kentra.yaml --cluster NAME takes them from the access file); `kentra kubeconfig convert` rewrites an existing kubeconfig instead.',
            });
      const loginText = options.login ?? options.grantType ?? 'auto';
      const login = loginChoiceOf(loginText);
      if (!login)
        throw new KentraError(
          'usage',
          `--login must be one of auto, ${loginModes.join(', ')}, not "${loginText}"`,
        );
      if (options.tokenType !== undefined && options.tokenType !== 'id' && options.tokenType !== 'access')
        throw new KentraError('usage', `--token-type must be "id" or "access", not "${options.tokenType}"`);
      if (options.output !== 'table' && options.output !== 'json')
        throw new KentraError('usage', `--output must be table or json, not "${options.output}"`);
      const deps = {
        kubeconfig: await root.kubeconfig({ kubeconfig: options.kubeconfig }),
        cwd: ctx.cwd,
        readText: root.files.readText,
      };
      const flags = {
        clusterName: options.clusterName,
        server: options.server,
        clusterCaFile: options.certificateAuthority,
        tlsServerName: options.tlsServerName,
        namespace: options.namespace,
        userName: options.user,
        contextName: options.context,
        command: options.command,
        tenant: options.tenant,
        clientId: options.clientId,
        authority: options.authority,
        tokenType: options.tokenType as 'id' | 'access' | undefined,
        scopes: options.scope,
        loginHint: options.loginHint,
        login,
        clientCertificate: options.clientCertificate,
        identityClientId: options.identityClientId,
        idpCaFile: options.idpCertificateAuthority,
        browserCommand: options.browserCommand,
        accessGroup: options.accessGroup,
        expectIssuer: options.expectIssuer,
        expectAudience: options.expectAudience,
        force: options.force === true,
        useContext: options.useContext === true,
        toStdout: options.stdout === true,
      };
      const result = fromAccess
        ? await (await import('../usecases/cluster-kubeconfig.js')).writeClusterKubeconfig(
            { ...flags, access: options.access ?? 'kentra.yaml', cluster: options.cluster },
            deps,
          )
        : await (await import('../usecases/kubeconfig.js')).writeKubeconfig(
            {
              ...flags,
              clusterName: options.clusterName ?? '',
              server: options.server ?? '',
              tenant: options.tenant ?? '',
              clientId: options.clientId ?? '',
              authority: options.authority ?? defaultAuthority,
            },
            deps,
          );
      for (const warning of result.warnings)
        ctx.stderr.write(
          `kentra: warning: ${warning.file ?? result.path}: ${warning.path}: ${warning.message} (left as it was)\n`,
        );
      if (result.text !== undefined) {
        ctx.stdout.write(result.text);
        return;
      }
      if (options.output === 'json') {
        ctx.stdout.write(
          `${JSON.stringify({ path: result.path, context: result.context, changes: result.changes }, null, 2)}\n`,
        );
        return;
      }
      ctx.stdout.write(`${result.path}\n`);
      for (const change of result.changes)
        ctx.stdout.write(`  ${change.kind.padEnd(16)} ${change.name.padEnd(40)} ${change.action}\n`);
      ctx.stdout.write(`Try it: kubectl --context ${result.context} get --raw /version\n`);
    });
  registerKubeconfigConvert(command, root);
}
