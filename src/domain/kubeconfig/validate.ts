/**
 * Checks a kubeconfig the way kubectl will read it, and reports each problem
 * with the path of the bad field (`contexts[2].context.user: no user named "x"`).
 */
export interface Problem {
  path: string;
  message: string;
  /** The entry the problem belongs to, so callers can tell their own from pre-existing ones. */
  entry?: { kind: 'cluster' | 'user' | 'context'; name: string };
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateKubeconfig(config: unknown): Problem[] {
  if (!isDict(config)) return [{ path: '', message: 'the document is not a mapping' }];
  const problems: Problem[] = [];
  const names = {
    cluster: namesIn(config, 'clusters', 'cluster', problems),
    user: namesIn(config, 'users', 'user', problems),
    context: namesIn(config, 'contexts', 'context', problems),
  };
  each(config, 'clusters', (item, path, name) => {
    const cluster = item.cluster;
    const entry = { kind: 'cluster' as const, name };
    const server = isDict(cluster) ? cluster.server : undefined;
    if (typeof server !== 'string' || !URL.canParse(server))
      problems.push({ path: `${path}.cluster.server`, message: 'is not a URL', entry });
    const ca = isDict(cluster) ? cluster['certificate-authority-data'] : undefined;
    if (ca !== undefined && (typeof ca !== 'string' || !/-----BEGIN CERTIFICATE-----/.test(decode(ca))))
      problems.push({
        path: `${path}.cluster.certificate-authority-data`,
        message: 'is not a base64 PEM certificate',
        entry,
      });
  });
  each(config, 'users', (item, path, name) => {
    const exec = isDict(item.user) ? item.user.exec : undefined;
    if (exec === undefined) return;
    const entry = { kind: 'user' as const, name };
    if (!isDict(exec)) {
      problems.push({ path: `${path}.user.exec`, message: 'is not a mapping', entry });
      return;
    }
    if (
      exec.apiVersion !== 'client.authentication.k8s.io/v1' &&
      exec.apiVersion !== 'client.authentication.k8s.io/v1beta1'
    )
      problems.push({
        path: `${path}.user.exec.apiVersion`,
        message: 'must be client.authentication.k8s.io/v1 or v1beta1',
        entry,
      });
    if (typeof exec.command !== 'string' || exec.command === '')
      problems.push({ path: `${path}.user.exec.command`, message: 'is missing', entry });
    if (
      exec.apiVersion === 'client.authentication.k8s.io/v1' &&
      !['Never', 'IfAvailable', 'Always'].includes(String(exec.interactiveMode))
    )
      problems.push({
        path: `${path}.user.exec.interactiveMode`,
        message: 'is required in v1 (Never, IfAvailable or Always)',
        entry,
      });
  });
  each(config, 'contexts', (item, path, name) => {
    const context = isDict(item.context) ? item.context : {};
    const entry = { kind: 'context' as const, name };
    if (!names.cluster.has(String(context.cluster)))
      problems.push({
        path: `${path}.context.cluster`,
        message: `no cluster named "${String(context.cluster)}"`,
        entry,
      });
    if (!names.user.has(String(context.user)))
      problems.push({
        path: `${path}.context.user`,
        message: `no user named "${String(context.user)}"`,
        entry,
      });
  });
  const current = config['current-context'];
  if (typeof current === 'string' && current !== '' && !names.context.has(current))
    problems.push({ path: 'current-context', message: `no context named "${current}"` });
  return problems;
}

function namesIn(config: Dict, list: string, kind: string, problems: Problem[]): Set<string> {
  const seen = new Set<string>();
  each(
    config,
    list,
    (_, path, name) => {
      if (seen.has(name))
        problems.push({
          path: `${path}.name`,
          message: `"${name}" appears twice; kubectl uses the first ${kind}`,
        });
      seen.add(name);
    },
    problems,
  );
  return seen;
}

function each(
  config: Dict,
  list: string,
  visit: (item: Dict, path: string, name: string) => void,
  problems?: Problem[],
): void {
  const items = config[list];
  if (items === undefined || items === null) return;
  if (!Array.isArray(items)) {
    problems?.push({ path: list, message: 'is not a list' });
    return;
  }
  items.forEach((item, index) => {
    const path = `${list}[${index}]`;
    if (!isDict(item) || typeof item.name !== 'string' || item.name === '') {
      problems?.push({ path: `${path}.name`, message: 'is missing' });
      return;
    }
    visit(item, path, item.name);
  });
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
