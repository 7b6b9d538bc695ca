/**
 * `kentra logout`: forgets the cached sign-in of one context (default: the
 * current one), of one account (--account), or of every account (--all); with
 * --revoke it first ends the user's sessions in Entra.
 */
import type { Command } from 'commander';
import { displayValue as v } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import { KentraError } from '../errors.js';

interface LogoutFlags {
  context?: string;
  account?: string;
  all?: boolean;
  revoke?: boolean;
  graph?: string;
  certificateAuthority?: string;
  kubeconfig?: string;
  output: string;
}

export function registerLogout(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('logout')
    .description('forget cached Entra sign-ins (a context, an account, or all); --revoke ends them in Entra')
    .option('--context <name>', 'the context whose account to forget (default: the current context)')
    .option('--account <upn>', 'forget this account, whichever contexts use it (see `kentra accounts`)')
    .option('--all', 'forget every cached kentra sign-in')
    .option(
      '--revoke',
      "first end the user's sessions in Entra (Graph revokeSignInSessions): every refresh token of that user stops working",
    )
    .option(
      '--graph <url>',
      'Microsoft Graph base URL for --revoke (default: the Graph of the sign-in’s cloud)',
    )
    .option(
      '--certificate-authority <file>',
      "--revoke with --account or --all: PEM file with the CA of the authority's TLS certificate",
    )
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

--revoke calls Microsoft Graph POST /me/revokeSignInSessions as the signed-in user (the
token comes from the cached sign-in), then forgets every cached entry of that user: their
refresh tokens no longer work anywhere, on any device. It needs the delegated Graph
permission User.RevokeSessions.All on kentra's app, with admin consent (docs/get-token.md).

Examples:
  kentra logout                      # the current context's account
  kentra logout --context prod-alice
  kentra logout --account alice@contoso.com
  kentra logout --revoke             # a lost laptop: end the sessions in Entra too
  kentra logout --all`,
    )
    .action(async (options: LogoutFlags) => {
      if (options.output !== 'table' && options.output !== 'json')
        throw new KentraError('usage', `--output must be table or json, not "${options.output}"`);
      const chosen = [options.context !== undefined, options.account !== undefined, options.all === true];
      if (chosen.filter(Boolean).length > 1)
        throw new KentraError('usage', 'give one of --context, --account and --all');
      const [{ logout }, { parseGetTokenArgs }] = await Promise.all([
        import('../usecases/logout.js'),
        import('../usecases/get-token-args.js'),
      ]);
      const result = await logout(
        {
          context: options.context,
          account: options.account,
          all: options.all === true,
          revoke: options.revoke === true,
        },
        {
          kubeconfig: await root.kubeconfig(options),
          parseGetTokenArgs,
          store: root.tokenStore(),
          revokeSessions: async (entry, contextCaFile) => {
            const caFile = options.certificateAuthority
              ? await root.resolve(options.certificateAuthority)
              : contextCaFile;
            const { revokeSignInSessions } = await import('../usecases/revoke-sessions.js');
            await revokeSignInSessions(entry, {
              tokens: root.getToken(),
              fetch: await root.fetch(caFile),
              graph: options.graph,
              caFile,
            });
          },
        },
      );
      if (options.output === 'json') {
        ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const scope = result.context
        ? `context ${result.context}`
        : result.account
          ? `account ${result.account}`
          : 'all contexts';
      for (const user of result.revoked)
        ctx.stdout.write(`Revoked every Entra sign-in session of ${v(user)}.\n`);
      if (result.removed.length === 0) ctx.stdout.write(`No cached sign-in for ${v(scope)}.\n`);
      for (const item of result.removed)
        ctx.stdout.write(
          `Signed out ${v(item.account)} (tenant ${v(item.tenant)}, app ${v(item.clientId)}) for ${v(scope)}.\n`,
        );
    });
}
