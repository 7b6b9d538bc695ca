/**
 * Reads a kubeconfig file into what kentra's own Kubernetes client needs to
 * connect. (Writing kubeconfig entries for users is a separate concern of the
 * `kentra kubeconfig` command.)
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { KentraError } from '../../errors.js';

export interface KubeConnection {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** The context the connection came from (for messages). */
  context?: string;
}

type Dict = Record<string, unknown>;

function entries(config: Dict, list: string, field: string): Map<string, Dict> {
  const out = new Map<string, Dict>();
  const items = Array.isArray(config[list]) ? (config[list] as Dict[]) : [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue; // kubectl skips what it cannot decode, too
    const value = item[field];
    if (typeof item.name === 'string' && value && typeof value === 'object')
      out.set(item.name, value as Dict);
  }
  return out;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Loads the connection for `context` (default: current-context) from a kubeconfig file. */
export async function loadKubeConnection(path: string, context?: string): Promise<KubeConnection> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new KentraError('io.read', `cannot read kubeconfig ${path}`, {
      cause,
      hint: 'Pass --kubeconfig PATH or set KUBECONFIG.',
    });
  }
  let config: Dict;
  try {
    const value: unknown = parse(text);
    config = (typeof value === 'object' && value !== null ? value : {}) as Dict;
  } catch (cause) {
    throw new KentraError('config.invalid', `${path} is not valid YAML`, {
      cause,
      hint: 'kubectl cannot read it either: fix the file, or pass --kubeconfig PATH.',
    });
  }
  const contextName = context ?? str(config['current-context']);
  if (!contextName) {
    throw new KentraError('config.invalid', `${path}: no context given and no current-context set`, {
      hint: 'Pass --context NAME.',
    });
  }
  const ctx = entries(config, 'contexts', 'context').get(contextName);
  if (!ctx) throw new KentraError('config.invalid', `${path}: no context named "${contextName}"`);
  const cluster = entries(config, 'clusters', 'cluster').get(String(ctx.cluster));
  if (!cluster)
    throw new KentraError('config.invalid', `${path}: context "${contextName}" names a missing cluster`);
  const user = entries(config, 'users', 'user').get(String(ctx.user)) ?? {};
  const base = dirname(path);
  const server = str(cluster.server);
  if (!server)
    throw new KentraError('config.invalid', `${path}: cluster of context "${contextName}" has no server`);
  return {
    server: server.replace(/\/+$/, ''),
    caPem: await dataOrFile(cluster['certificate-authority-data'], cluster['certificate-authority'], base),
    certPem: await dataOrFile(user['client-certificate-data'], user['client-certificate'], base),
    keyPem: await dataOrFile(user['client-key-data'], user['client-key'], base),
    token: str(user.token) ?? (await dataOrFile(undefined, user.tokenFile, base))?.trim(),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    context: contextName,
  };
}

async function dataOrFile(data: unknown, file: unknown, base: string): Promise<string | undefined> {
  const inline = str(data);
  if (inline) return Buffer.from(inline, 'base64').toString('utf8');
  const path = str(file);
  if (!path) return undefined;
  return readFile(isAbsolute(path) ? path : resolve(base, path), 'utf8');
}
