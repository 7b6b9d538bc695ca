/**
 * `kentra get-token`: the kubectl exec credential plugin.
 *
 * This file is on the hot path. src/bin calls `answerFromCache` before the
 * command tree (commander) is even loaded: a valid cached token is answered
 * from the plain flags kubeconfigs carry (quickValues, over the same flag
 * table), one file read and one write to stdout. Everything else goes through
 * commander and the use case.
 */
import type { Command } from 'commander';
import { cacheHitDeps } from '../composition/get-token.js';
import type { Root } from '../composition/root.js';
import type { CliContext } from '../ports/cli-context.js';
import { getTokenFlags, inputFrom, quickValues, type Values } from '../usecases/get-token-args.js';
import { answerFromCache as fromCache } from '../usecases/get-token-cache.js';

export function registerGetToken(program: Command, root: Root): void {
  const { ctx } = root;
  const command = program
    .command('get-token')
    .description('print a token for kubectl (exec credential plugin)');
  for (const [name, flag] of Object.entries(getTokenFlags)) {
    const long = flag.value ? `--${name} <${flag.value}>` : `--${name}`;
    const spec = flag.short ? `-${flag.short}, ${long}` : long;
    if (flag.multiple)
      command.option(spec, flag.help, (value: string, all: string[] = []) => [...all, value]);
    else if (flag.default !== undefined) command.option(spec, flag.help, flag.default);
    else command.option(spec, flag.help);
  }
  command.addHelpText(
    'after',
    `
kubectl runs this command for you (see \`kentra kubeconfig\`). stdout carries only the
ExecCredential JSON; messages and sign-in prompts go to stderr. A valid cached token is
answered without network; a token close to expiry is refreshed with the refresh token; only
then is a sign-in opened. When kubectl runs without a terminal (KUBERNETES_EXEC_INFO
spec.interactive=false) kentra never prompts.

--login (Azure/kubelogin's names): browser, devicecode (a person); azurecli (az's account, its
token cached by kentra); msi (the host's managed identity; --identity-client-id for a
user-assigned one); workloadidentity (AZURE_FEDERATED_TOKEN_FILE); spn (--client-certificate
PEM or PFX, else AZURE_CLIENT_SECRET). Without it: AZURE_FEDERATED_TOKEN_FILE or
AZURE_CLIENT_SECRET select an app sign-in, else the browser where one can open (the Windows
browser from WSL), else device code. Device code blocked by Conditional Access (AADSTS53003)
is retried once in the browser.
Cache: $KUBECACHEDIR/kentra or ~/.kube/cache/kentra (one 0600 file per account; kentra accounts).

Examples:
  kentra get-token --tenant contoso.onmicrosoft.com --client-id 6f1c…
  kentra get-token --tenant $TID --client-id $APP --login devicecode
  kentra get-token --tenant $TID --client-id $APP --login azurecli
  kentra get-token --tenant $TID --client-id $SP --login spn --client-certificate sp.pfx --scope $APP/.default
  kentra get-token --tenant $TID --client-id $APP --token-type access --scope api://$APP/.default`,
  );
  command.action(async (options: Record<string, unknown>) => {
    const values: Values = {};
    for (const name of Object.keys(getTokenFlags)) values[name] = options[camel(name)] as Values[string];
    const input = inputFrom(values);
    const { getToken } = await import('../usecases/get-token.js');
    ctx.stdout.write(await getToken(input, root.getToken()));
  });
}

/**
 * The fast path: the ExecCredential text when a fresh cached token exists,
 * else undefined. Anything unusual (a bad flag, --help, no entry, a stale one)
 * gives undefined and the full path runs, which reports errors properly.
 */
export async function answerFromCache(argv: readonly string[], ctx: CliContext): Promise<string | undefined> {
  const values = quickValues(argv);
  if (!values) return undefined;
  try {
    const input = inputFrom(values);
    return input.forceRefresh ? undefined : await fromCache(input, cacheHitDeps(ctx));
  } catch {
    return undefined;
  }
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
