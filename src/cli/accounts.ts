/**
 * `kentra accounts`: the sign-ins kentra has cached (tenant, account, app,
 * expiry), for people with several tenants or accounts.
 */
import type { Command } from 'commander';
import { displayValue as v } from '../adapters/render/terminal-text.js';
import type { Root } from '../composition/root.js';
import type { CachedAccountRow } from '../usecases/accounts.js';
import { type OutputFormat, outputOption, renderData, timeUntil } from './output.js';

export function registerAccounts(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('accounts')
    .description('list the cached sign-ins: tenant, account, app and expiry')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
One row per cached sign-in in $KUBECACHEDIR/kentra (~/.kube/cache/kentra): a person signed in
to two tenants, or through two apps, has two. An expired token with a refresh token is renewed
by the next kubectl command without a prompt. \`kentra logout --account UPN\` forgets an account.

Examples:
  kentra accounts
  kentra accounts -o json | jq -r '.[] | select(.expired) | .account'`,
    )
    .action(async (flags: { output: OutputFormat }) => {
      const { listAccounts } = await import('../usecases/accounts.js');
      const rows = await listAccounts(root.tokenStore(), ctx.now());
      ctx.stdout.write(
        flags.output === 'table' ? accountsTable(rows, ctx.now()) : renderData(rows, flags.output),
      );
    });
}

export function accountsTable(rows: readonly CachedAccountRow[], now: number): string {
  if (rows.length === 0)
    return 'No cached sign-in. kubectl signs in at its next command (kentra get-token).\n';
  const table = [
    ['ACCOUNT', 'KIND', 'TENANT', 'APP', 'TOKEN', 'EXPIRES', 'REFRESH'],
    ...rows.map((row) => [
      row.account,
      row.kind,
      row.tenant,
      row.clientId,
      row.tokenType === 'id' ? 'id' : `access ${row.scopes.join(' ')}`,
      `${row.expires} (${timeUntil(row.expires, now)})`,
      row.refreshable ? 'yes' : 'no',
    ]),
  ].map((cells) => cells.map((cell) => v(cell)));
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((cells) => cells[column]?.length ?? 0))) ?? [];
  return `${table
    .map((cells) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
