import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import type { WebhookKubeconfigFlags } from '../usecases/webhook-render.js';

export function registerWebhook(program: Command, root: Root): void {
  const { ctx } = root;
  const webhook = program
    .command('webhook')
    .description('TokenReview webhook: live Entra checks, overage, policy')
    .option('-c, --config <path>', 'the webhook configuration file', 'kentra-webhook.yaml')
    .option('--listen <host:port>', 'override listen.host and listen.port')
    .option('--self-signed', 'serve with a throw-away self-signed certificate (local trials only)')
    .option('--check', 'validate the configuration (and the access file it names), then exit')
    .addHelpText(
      'after',
      `
The webhook answers authentication.k8s.io/v1 TokenReviews at POST /authenticate. It validates Entra
tokens (issuer, audience, RS256 family, JWKS key id, expiry), maps them exactly like the structured
authentication config that \`kentra cluster config\` renders from the same access file, and checks Entra
live: disabled accounts, removed group memberships and revoked sessions are denied within
live.pollIntervalSeconds; users with more than 200 groups get their groups from Graph. When the live state
is older than live.maxStalenessSeconds, every review is denied (fail closed).

Also served: /metrics (Prometheus), /healthz, /readyz. Logs are JSON lines on stderr, without tokens.

Example configuration (kentra-webhook.yaml):
  apiVersion: kentra.dev/v1alpha1
  kind: WebhookConfiguration
  accessFile: kentra.yaml
  listen: {host: 0.0.0.0, port: 8443}
  tls: {certFile: /etc/kentra/tls.crt, keyFile: /etc/kentra/tls.key, clientCaFile: /etc/kentra/apiserver-ca.crt}
  live: {graphAuth: client-secret, clientId: <app id>, clientSecretFile: /etc/kentra/graph-secret, pollIntervalSeconds: 5}
  # graphAuth: client-secret | client-certificate (clientCertificateFile) | workload-identity
  #   (federatedTokenFile, or AKS's AZURE_FEDERATED_TOKEN_FILE) | managed-identity; docs/graph-auth.md
  policy: {allowedNetworks: [10.0.0.0/8]}

Examples:
  kentra webhook --config kentra-webhook.yaml
  kentra webhook --config kentra-webhook.yaml --check
  kentra webhook kubeconfig --url https://kentra-webhook.kube-system.svc:8443 --ca-file ca.crt`,
    )
    .action(async (flags: { config: string; listen?: string; selfSigned?: boolean; check?: boolean }) => {
      const { runWebhook } = await import('../usecases/webhook.js');
      const result = await runWebhook(flags, {
        readText: root.files.readText,
        env: ctx.env,
        now: ctx.now,
        logSink: ctx.stderr,
        interrupted: ctx.interrupted,
      });
      if (result.stoppedBy === 'check') ctx.stdout.write(`${flags.config}: configuration is valid\n`);
    });

  webhook
    .command('kubeconfig')
    .description("render the API server's webhook kubeconfig and flags")
    .requiredOption('--url <url>', 'https://host:port where the API server reaches the webhook')
    .requiredOption('--ca-file <path>', "CA certificate (PEM) that signed the webhook's serving certificate")
    .option(
      '--client-cert <path>',
      "the API server's client certificate, as a path on the control-plane node",
    )
    .option('--client-key <path>', "the API server's client key, as a path on the control-plane node")
    .option('--kubeconfig-path <path>', 'where the kubeconfig is saved on the control-plane node')
    .option('--cache-ttl <duration>', "the API server's cache of webhook answers", '10s')
    .option('-o, --output <format>', 'yaml (kubeconfig, flags as comments) or json', 'yaml')
    .addHelpText(
      'after',
      `
Examples:
  kentra webhook kubeconfig --url https://10.0.0.10:8443 --ca-file ca.crt > /etc/kubernetes/kentra-webhook.kubeconfig
  kentra webhook kubeconfig --url https://kentra-webhook.kube-system.svc:8443 --ca-file ca.crt -o json`,
    )
    .action((flags: WebhookKubeconfigFlags) => writeWebhookClient(flags, root));
}

/** Renders the API server's side of the webhook (also `kentra cluster config --webhook`). */
export async function writeWebhookClient(flags: WebhookKubeconfigFlags, root: Root): Promise<void> {
  const { ctx } = root;
  const { renderWebhookClientFromFiles } = await import('../usecases/webhook-render.js');
  const rendered = await renderWebhookClientFromFiles(flags, root.files.readText);
  if (!flags.clientCert || !flags.clientKey)
    ctx.stderr.write(
      'warning: no client certificate for the API server: kentra webhook refuses callers without one ' +
        'unless its configuration says tls.clientAuth: none (give the client certificate and key options)\n',
    );
  if (flags.output === 'json')
    ctx.stdout.write(
      `${JSON.stringify({ kubeconfig: rendered.kubeconfig, flags: rendered.flags }, null, 2)}\n`,
    );
  else
    ctx.stdout.write(
      `# kube-apiserver flags:\n${rendered.flags.map((f) => `#   ${f}`).join('\n')}\n${rendered.kubeconfigYaml}`,
    );
}
