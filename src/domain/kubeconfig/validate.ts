/**
 * Checks the merged kubeconfig the way kubectl will use it, and reports each
 * problem with the file and path of the bad field
 * (`contexts[2].context.user: no user named "x"`). A context may name a
 * cluster or user from another file of KUBECONFIG: kubectl merges first.
 * (What kubectl refuses to read at all is shape.ts.)
 */
import type { EntryKind, Located, MergedKubeconfig } from './merged.js';
import type { Problem } from './problem.js';

export type { Problem } from './problem.js';

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateKubeconfig(merged: MergedKubeconfig): Problem[] {
  const problems: Problem[] = [];
  const report = (kind: EntryKind, list: string, at: Located, field: string, message: string) =>
    problems.push({
      path: `${list}[${at.index}].${kind}.${field}`,
      message,
      file: at.file,
      entry: { kind, name: at.name },
    });
  for (const cluster of merged.clusters.values()) {
    const { server, 'certificate-authority-data': ca } = cluster.value;
    if (typeof server !== 'string' || !URL.canParse(server))
      report('cluster', 'clusters', cluster, 'server', 'is not a URL');
    if (ca !== undefined && (typeof ca !== 'string' || !/-----BEGIN CERTIFICATE-----/.test(decode(ca))))
      report('cluster', 'clusters', cluster, 'certificate-authority-data', 'is not a base64 PEM certificate');
  }
  for (const user of merged.users.values()) {
    const exec = user.value.exec;
    if (exec === undefined || exec === null) continue;
    if (!isDict(exec)) {
      report('user', 'users', user, 'exec', 'is not a mapping');
      continue;
    }
    if (
      exec.apiVersion !== 'client.authentication.k8s.io/v1' &&
      exec.apiVersion !== 'client.authentication.k8s.io/v1beta1'
    )
      report('user', 'users', user, 'exec.apiVersion', 'must be client.authentication.k8s.io/v1 or v1beta1');
    if (typeof exec.command !== 'string' || exec.command === '')
      report('user', 'users', user, 'exec.command', 'is missing');
    if (
      exec.apiVersion === 'client.authentication.k8s.io/v1' &&
      !['Never', 'IfAvailable', 'Always'].includes(String(exec.interactiveMode))
    )
      report(
        'user',
        'users',
        user,
        'exec.interactiveMode',
        'is required in v1 (Never, IfAvailable or Always)',
      );
  }
  for (const context of merged.contexts.values()) {
    const { cluster, user } = context.value;
    if (!merged.clusters.has(String(cluster)))
      report('context', 'contexts', context, 'cluster', `no cluster named "${String(cluster)}"`);
    if (!merged.users.has(String(user)))
      report('context', 'contexts', context, 'user', `no user named "${String(user)}"`);
  }
  const current = merged.currentContext;
  if (current !== '' && !merged.contexts.has(current))
    problems.push({ path: 'current-context', message: `no context named "${current}"` });
  return problems;
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
