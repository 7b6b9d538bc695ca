/**
 * `kentra kubeconfig convert`: rewrites the users of a kubeconfig that sign
 * in with Azure/kubelogin (as `az aks get-credentials` writes them), the
 * legacy `azure` auth-provider, or int128/kubelogin into users that run
 * `kentra get-token`, exactly as `kentra kubeconfig` writes them. Only those
 * users' `exec` (and a removed `auth-provider`) change; every other entry,
 * field, comment and order stays (the yaml Document API edits in place), in
 * whichever KUBECONFIG file each user lives (merge.ts's rule).
 */
import { isMap, type YAMLMap } from 'yaml';
import { KentraError } from '../../errors.js';
import { type Conversion, type ConvertOverrides, isConversion, type NotConverted } from './conversion.js';
import { convertAzureUser, isAzureAuthProvider, isAzureKubelogin } from './convert-azure.js';
import { convertOidcLoginUser, oidcLoginArgs } from './convert-oidc-login.js';
import { kentraExec, kentraGetTokenArgs } from './entries.js';
import { getTokenArgs } from './get-token-settings.js';
import type { KubeconfigEdit } from './merge.js';
import { type Located, selectContext } from './merged.js';

export interface ConvertOptions {
  overrides: ConvertOverrides;
  /** Convert only the user of this context. */
  context?: string;
  /** The executable kubectl runs (`kentra`, or an absolute path). */
  command: string;
}

export interface ConvertedUser {
  user: string;
  file: string;
  /** Contexts that use the user. */
  contexts: string[];
  from: Conversion['from'];
  mode: string;
  /** The new `exec.args` (never a secret: secret flags are dropped). */
  args: string[];
  notes: string[];
}

export interface SkippedUser {
  user: string;
  file: string;
  reason: string;
}

export interface ConvertReport {
  converted: ConvertedUser[];
  skipped: SkippedUser[];
}

type Dict = Record<string, unknown>;

export function convertUsers(edit: KubeconfigEdit, options: ConvertOptions): ConvertReport {
  if (edit.merged.files.length === 0)
    throw new KentraError('io.read', `no kubeconfig to convert: ${edit.defaultFile} does not exist`, {
      hint: 'Pass --kubeconfig PATH, or set KUBECONFIG (az aks get-credentials writes ~/.kube/config).',
    });
  const report: ConvertReport = { converted: [], skipped: [] };
  for (const user of candidates(edit, options)) {
    const result = convertOne(user.value, options.overrides);
    if (result === undefined) {
      if (options.context)
        report.skipped.push({ user: user.name, file: user.file, reason: describeOther(user.value) });
      continue;
    }
    if (!isConversion(result)) {
      report.skipped.push({ user: user.name, file: user.file, reason: result.reason });
      continue;
    }
    const args = ['get-token', ...getTokenArgs(result.settings)];
    const env = envNames(user.value.exec);
    if (env.length > 0)
      result.notes.push(
        `exec env left out (${env.join(', ')}): kentra get-token reads the variables it uses (AZURE_CONFIG_DIR for az, ` +
          'AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PASSWORD) from the environment kubectl runs in',
      );
    replaceExec(edit, user, kentraExec(options.command, args.slice(1)));
    report.converted.push({
      user: user.name,
      file: user.file,
      contexts: [...edit.merged.contexts.values()]
        .filter((context) => context.value.user === user.name)
        .map((context) => context.name),
      from: result.from,
      mode: result.mode,
      args,
      notes: result.notes,
    });
  }
  return report;
}

/** Every user kubectl sees (the first of each name), or the one user of --context. */
function candidates(edit: KubeconfigEdit, options: ConvertOptions): Located[] {
  if (!options.context) return [...edit.merged.users.values()];
  const { user, context } = selectContext(edit.merged, options.context);
  if (!user)
    throw new KentraError(
      'config.invalid',
      `context "${options.context}" names no user that exists ("${String(context.value.user)}")`,
      { hint: 'List contexts with `kubectl config get-contexts`.' },
    );
  return [user];
}

/** The conversion of one user body, or undefined when it runs none of the plugins this converts. */
function convertOne(user: Dict, overrides: ConvertOverrides): Conversion | NotConverted | undefined {
  if (isAzureAuthProvider(user) || isAzureKubelogin(user)) return convertAzureUser(user, overrides);
  const oidc = oidcLoginArgs(user);
  if (oidc) return convertOidcLoginUser(oidc, overrides);
  return undefined;
}

/** Names (never values) of the variables an exec section sets. */
function envNames(exec: unknown): string[] {
  const env = (exec as Dict | undefined)?.env;
  if (!Array.isArray(env)) return [];
  return env.flatMap((item: unknown) => {
    const name = (item as Dict | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

function describeOther(user: Dict): string {
  const exec = user.exec as Dict | undefined;
  if (kentraGetTokenArgs(exec)) return 'already signs in with kentra get-token';
  if (exec) return `runs ${String(exec.command)}, which is neither Azure/kubelogin nor int128/kubelogin`;
  return 'signs in without Azure/kubelogin, the azure auth-provider or int128/kubelogin';
}

/** Sets the user's exec and removes an auth-provider, in the file and list position where the user lives. */
function replaceExec(edit: KubeconfigEdit, user: Located, exec: ReturnType<typeof kentraExec>): void {
  const doc = edit.document(user.file);
  const entry = doc.getIn(['users', user.index]);
  if (!isMap(entry))
    throw new KentraError('internal', `users[${user.index}] of ${user.file} changed while it was converted`);
  const existing: unknown = entry.get('user', true);
  const body = isMap(existing) ? existing : (doc.createNode({}) as YAMLMap);
  if (body !== existing) entry.set('user', body);
  body.delete('auth-provider');
  body.set('exec', doc.createNode(exec));
}
