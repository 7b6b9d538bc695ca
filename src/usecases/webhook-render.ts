/** `kentra webhook kubeconfig`: reads the CA file and renders the API server's side of the webhook. */
import { KentraError } from '../errors.js';
import { type RenderedWebhookClient, renderWebhookClient } from '../webhook/render.js';
import type { ReadText } from './load-access.js';

export interface WebhookKubeconfigFlags {
  url: string;
  caFile: string;
  clientCert?: string;
  clientKey?: string;
  kubeconfigPath?: string;
  cacheTtl: string;
  output: string;
}

export async function renderWebhookClientFromFiles(
  flags: WebhookKubeconfigFlags,
  readText: ReadText,
): Promise<RenderedWebhookClient> {
  if (!['yaml', 'json'].includes(flags.output))
    throw new KentraError('usage', `-o ${flags.output} is not supported`, {
      hint: 'Use -o yaml or -o json.',
    });
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new KentraError('usage', `--url ${flags.url} is not a URL`, {
      hint: 'For example --url https://10.0.0.10:8443',
    });
  }
  if (url.protocol !== 'https:')
    throw new KentraError('usage', '--url must use https', {
      hint: 'The API server only calls webhooks over TLS.',
    });
  if (!/^\d+(ms|s|m|h)$/.test(flags.cacheTtl))
    throw new KentraError('usage', `--cache-ttl ${flags.cacheTtl} is not a duration`, {
      hint: 'For example 10s or 1m.',
    });
  let caPem: string;
  try {
    caPem = await readText(flags.caFile);
  } catch (cause) {
    throw new KentraError('io.read', `cannot read --ca-file ${flags.caFile}`, {
      cause,
      hint: 'Check the path.',
    });
  }
  if (!caPem.includes('-----BEGIN CERTIFICATE-----'))
    throw new KentraError('usage', `--ca-file ${flags.caFile} holds no PEM certificate`, {
      hint: 'Give the CA certificate that signed the webhook serving certificate.',
    });
  return renderWebhookClient({
    url: flags.url,
    caPem,
    clientCertFile: flags.clientCert,
    clientKeyFile: flags.clientKey,
    kubeconfigPath: flags.kubeconfigPath,
    cacheTtl: flags.cacheTtl,
  });
}
