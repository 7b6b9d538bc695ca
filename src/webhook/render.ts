/**
 * What the API server needs to call the webhook: the kubeconfig for
 * `--authentication-token-webhook-config-file` (clusters = the webhook,
 * users = the API server's client certificate) and the flags, with the version
 * pinned to v1 because the flag defaults to v1beta1 (cluster-auth.md §2.1).
 *
 * Pure: `kentra webhook config` prints it today; `kentra cluster config
 * --webhook` (branch access owns that command) is meant to call the same
 * function.
 */
import { stringify } from 'yaml';

export interface WebhookClientSettings {
  /** https://host:port of the webhook; `/authenticate` is appended. */
  url: string;
  /** PEM of the CA that signed the webhook's serving certificate. */
  caPem: string;
  /** The API server's client certificate and key, as paths on the control-plane node. */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Where the kubeconfig will live on the control-plane node (for the flag). */
  kubeconfigPath?: string;
  /** `--authentication-token-webhook-cache-ttl`; short, so offboarding is not delayed by the API server's cache. */
  cacheTtl?: string;
}

export interface RenderedWebhookClient {
  kubeconfig: Record<string, unknown>;
  kubeconfigYaml: string;
  flags: string[];
}

export const defaultWebhookKubeconfigPath = '/etc/kubernetes/kentra-webhook.kubeconfig';

export function renderWebhookClient(settings: WebhookClientSettings): RenderedWebhookClient {
  const server = `${settings.url.replace(/\/+$/, '')}/authenticate`;
  const user: Record<string, string> = {};
  if (settings.clientCertFile) user['client-certificate'] = settings.clientCertFile;
  if (settings.clientKeyFile) user['client-key'] = settings.clientKeyFile;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kentra-webhook',
        cluster: { server, 'certificate-authority-data': Buffer.from(settings.caPem).toString('base64') },
      },
    ],
    users: [{ name: 'kube-apiserver', user }],
    contexts: [{ name: 'webhook', context: { cluster: 'kentra-webhook', user: 'kube-apiserver' } }],
    'current-context': 'webhook',
  };
  const flags = [
    `--authentication-token-webhook-config-file=${settings.kubeconfigPath ?? defaultWebhookKubeconfigPath}`,
    '--authentication-token-webhook-version=v1',
    `--authentication-token-webhook-cache-ttl=${settings.cacheTtl ?? '10s'}`,
  ];
  return { kubeconfig, kubeconfigYaml: stringify(kubeconfig), flags };
}
