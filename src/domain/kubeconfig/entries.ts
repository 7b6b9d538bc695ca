/**
 * The three kubeconfig entries `kentra kubeconfig` writes: a cluster, a user
 * whose exec plugin runs `kentra get-token`, and a context joining them.
 * Field names and semantics: client-go tools/clientcmd/api/v1/types.go (see
 * reference/kubectl-credential-plugins.md §3.1).
 */
export interface ExecConfig {
  apiVersion: 'client.authentication.k8s.io/v1';
  command: string;
  args: string[];
  env: null;
  /** Required in v1. IfAvailable: prompts only when kubectl has a terminal. */
  interactiveMode: 'IfAvailable';
  installHint: string;
  provideClusterInfo: false;
}

export interface NamedCluster {
  name: string;
  cluster: { server: string; 'certificate-authority-data'?: string; 'tls-server-name'?: string };
}
export interface NamedUser {
  name: string;
  user: { exec: ExecConfig };
}
export interface NamedContext {
  name: string;
  context: { cluster: string; user: string; namespace?: string };
}

export interface KentraEntries {
  cluster: NamedCluster;
  user: NamedUser;
  context: NamedContext;
}

export interface EntriesInput {
  clusterName: string;
  server: string;
  /** PEM of the API server's CA (embedded, so the kubeconfig can be moved). */
  clusterCaPem?: string;
  tlsServerName?: string;
  userName: string;
  contextName: string;
  namespace?: string;
  /** The executable kubectl runs (`kentra`, or an absolute path for kuberc allowlists). */
  command: string;
  /** Arguments after `get-token`. */
  getTokenArgs: string[];
}

export const installHint = `kentra signs you in to Microsoft Entra ID for this cluster.
Install it with:  kubectl krew install entra
              or:  npm install --global kentra   (Node.js 20 or later)
or put the kentra executable for your platform on PATH, then run kubectl again.`;

/**
 * The names kentra's executable goes by: `kentra`, `kubectl-entra` (krew, Homebrew), `kentra.js`
 * (when kubectl runs the built file), each also with `.exe`, and the release executables as
 * downloaded (`kentra-linux-x64`, `kentra-windows-x64.exe`; the tests' `kentra-linux-x64-<hash>`).
 */
const kentraCommand = /^(kentra|kubectl-entra)(\.js|-[a-z0-9]+-[a-z0-9]+(-[0-9a-f]+)?)?(\.exe)?$/i;

/** Whether a user's exec section runs `kentra get-token`; its get-token arguments when it does. */
export function kentraGetTokenArgs(exec: unknown): string[] | undefined {
  if (!exec || typeof exec !== 'object' || Array.isArray(exec)) return undefined;
  const { command, args } = exec as Record<string, unknown>;
  const name = typeof command === 'string' ? (command.split(/[\\/]/).at(-1) ?? '') : '';
  const list = Array.isArray(args) ? args.map(String) : [];
  return kentraCommand.test(name) && list[0] === 'get-token' ? list.slice(1) : undefined;
}

/** The exec section of a user that signs in with `kentra get-token ARGS`. */
export function kentraExec(command: string, getTokenArgs: readonly string[]): ExecConfig {
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    command,
    args: ['get-token', ...getTokenArgs],
    env: null,
    interactiveMode: 'IfAvailable',
    installHint,
    provideClusterInfo: false,
  };
}

export function kentraEntries(input: EntriesInput): KentraEntries {
  const cluster: NamedCluster['cluster'] = { server: input.server };
  if (input.clusterCaPem)
    cluster['certificate-authority-data'] = Buffer.from(input.clusterCaPem, 'utf8').toString('base64');
  if (input.tlsServerName) cluster['tls-server-name'] = input.tlsServerName;
  const context: NamedContext['context'] = { cluster: input.clusterName, user: input.userName };
  if (input.namespace) context.namespace = input.namespace;
  return {
    cluster: { name: input.clusterName, cluster },
    user: {
      name: input.userName,
      user: { exec: kentraExec(input.command, input.getTokenArgs) },
    },
    context: { name: input.contextName, context },
  };
}
