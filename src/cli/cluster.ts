import { type Command, Option } from 'commander';
import type { Root } from '../composition/root.js';
import { KentraError } from '../errors.js';
import { accessOption } from './output.js';

export function registerCluster(program: Command, root: Root): void {
  const cluster = program.command('cluster').description('API server configuration for Entra sign-in');
  cluster
    .command('config')
    .description('render the API server configuration for a cluster in the access file')
    .addOption(accessOption())
    .option('--cluster <name>', 'cluster from the access file (default: the only one)')
    .addOption(
      new Option('--format <format>', 'what to render (default by cluster kind)').choices([
        'auth-config',
        'flags',
        'kubeadm',
        'kind',
        'eks',
        'aks',
      ]),
    )
    .addOption(
      new Option('-o, --output <format>', 'yaml, or json for scripts')
        .choices(['yaml', 'json'])
        .default('yaml'),
    )
    .addHelpText(
      'after',
      `
Formats:
  auth-config  AuthenticationConfiguration for --authentication-config (v1 for >= 1.34, v1beta1 for 1.30-1.33)
  flags        legacy --oidc-* flags, with what they cannot enforce
  kubeadm      the AuthenticationConfiguration plus a kubeadm ClusterConfiguration snippet
  kind         the AuthenticationConfiguration plus a kind cluster config
  eks          JSON for aws eks associate-identity-provider-config --cli-input-json
  aks          what kentra does on AKS (managed Entra integration only)

Examples:
  kentra cluster config > authentication-config.yaml
  kentra cluster config --cluster prod --format flags
  kentra cluster config --format eks -o json > eks-identity-provider.json
  kentra cluster config --format kind --out-dir ./cluster   # authentication-config.yaml + kind-config.yaml
  kentra cluster config --webhook --webhook-url https://10.0.0.10:8443 --webhook-ca-file ca.crt \
    --webhook-client-cert apiserver-kentra.crt --webhook-client-key apiserver-kentra.key`,
    )
    .option(
      '--webhook',
      "render the token webhook's side instead: its kubeconfig and the kube-apiserver flags",
    )
    .option(
      '--webhook-url <url>',
      'with --webhook: https://host:port where the API server reaches kentra webhook',
    )
    .option(
      '--webhook-ca-file <path>',
      "with --webhook: CA (PEM) that signed the webhook's serving certificate",
    )
    .option(
      '--webhook-client-cert <path>',
      'with --webhook: client certificate the API server presents (the webhook requires one by default)',
    )
    .option('--webhook-client-key <path>', 'with --webhook: its private key')
    .option(
      '--webhook-cache-ttl <duration>',
      "with --webhook: the API server's cache of webhook answers",
      '10s',
    )
    .option(
      '--out-dir <dir>',
      'write each file (authentication-config.yaml, kind-config.yaml, ...) into this folder',
    )
    .action((flags: ClusterConfigFlags) =>
      flags.webhook ? renderWebhookSide(flags, root) : renderClusterConfig(flags, root),
    );
}

interface ClusterConfigFlags {
  access: string;
  cluster?: string;
  format?: string;
  output: 'yaml' | 'json';
  outDir?: string;
  webhook?: boolean;
  webhookUrl?: string;
  webhookCaFile?: string;
  webhookClientCert?: string;
  webhookClientKey?: string;
  webhookCacheTtl: string;
}

/** `--webhook`: the token webhook's kubeconfig and the kube-apiserver flags that point at it. */
async function renderWebhookSide(flags: ClusterConfigFlags, root: Root): Promise<void> {
  if (!flags.webhookUrl || !flags.webhookCaFile)
    throw new KentraError('usage', '--webhook needs --webhook-url and --webhook-ca-file', {
      hint: 'For example: kentra cluster config --webhook --webhook-url https://10.0.0.10:8443 --webhook-ca-file ca.crt',
    });
  const { writeWebhookClient } = await import('./webhook.js');
  const caFile = await root.resolve(flags.webhookCaFile);
  await writeWebhookClient(
    {
      url: flags.webhookUrl,
      caFile,
      cacheTtl: flags.webhookCacheTtl,
      output: flags.output,
      ...(flags.webhookClientCert ? { clientCert: await root.resolve(flags.webhookClientCert) } : {}),
      ...(flags.webhookClientKey ? { clientKey: await root.resolve(flags.webhookClientKey) } : {}),
    },
    root,
  );
}

async function renderClusterConfig(flags: ClusterConfigFlags, root: Root): Promise<void> {
  const { ctx, files } = root;
  const { artifactText, clusterConfig, writeArtifacts } = await import('../usecases/cluster-config.js');
  const { loadAccessFile } = await import('../usecases/load-access.js');
  const access = await loadAccessFile(await root.resolve(flags.access), files.readText, flags.access);
  for (const warning of access.warnings) ctx.stderr.write(`warning: ${warning}\n`);
  const result = await clusterConfig(
    access,
    { cluster: flags.cluster, format: flags.format as Parameters<typeof clusterConfig>[1]['format'] },
    files.readText,
  );
  if (flags.outDir) {
    for (const path of await writeArtifacts(result, await root.resolve(flags.outDir), files))
      ctx.stderr.write(`wrote ${path}\n`);
  } else if (flags.output === 'json') {
    // One object (the usual case) is printed as itself, so `> file.json` is the file to install.
    const data =
      result.artifacts.length === 1 && !Array.isArray(result.artifacts[0]?.content)
        ? result.artifacts[0]?.content
        : result;
    ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  } else {
    const documents = result.artifacts.map((artifact) =>
      Array.isArray(artifact.content)
        ? artifactText(artifact)
        : `# ${artifact.title}\n# save as: ${artifact.fileName}\n${artifactText(artifact)}`,
    );
    ctx.stdout.write(documents.join('---\n'));
  }
  for (const note of result.notes) ctx.stderr.write(`note: ${note}\n`);
}
