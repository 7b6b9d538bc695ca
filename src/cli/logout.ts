/**
 * `kentra logout`: forgets the cached sign-in of one context (default: the
 * current one), or of every account with --all.
 */
import type { Command } from 'commander';
import type { Root } from '../composition/root.js';

export function registerLogout(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('logout')
    .description('forget cached Entra sign-ins (one context or all)')
    .option('--context <name>', 'the context whose account to forget (default: the current context)')
    .option('--all', 'forget every cached kentra sign-in')
    .option(
      '--kubeconfig <path>',
      'kubeconfig to read the context from (default: KUBECONFIG, ~/.kube/config)',
    )
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      `
Removes the cached token and refresh token from $KUBECACHEDIR/kentra (~/.kube/cache/kentra);
the next kubectl command with that context signs in again. Other accounts stay signed in.

Examples:
  kentra logout                      # the current context's account
  kentra logout --context prod-alice
  kentra logout --all`,
    )
    .action(async (options: { context?: string; all?: boolean; kubeconfig?: string; output: string }) => {
      const [{ logout }, { parseGetTokenArgs }] = await Promise.all([
        import('../usecases/logout.js'),
        import('../usecases/get-token-args.js'),
      ]);
      const result = await logout(
        { context: options.context, all: options.all === true },
        { kubeconfig: await root.kubeconfig(options), parseGetTokenArgs, store: root.tokenStore() },
      );
      if (options.output === 'json') {
        ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const scope = result.context ? `context ${result.context}` : 'all contexts';
      if (result.removed.length === 0) ctx.stdout.write(`No cached sign-in for ${scope}.\n`);
      for (const item of result.removed)
        ctx.stdout.write(
          `Signed out ${item.account} (tenant ${item.tenant}, app ${item.clientId}) for ${scope}.\n`,
        );
    });
}
