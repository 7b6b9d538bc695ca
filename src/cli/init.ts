import type { Command } from 'commander';
import type { Root } from '../composition/root.js';

export function registerInit(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('init')
    .description('write a commented starter access file (kentra.yaml)')
    .argument('[path]', 'where to write it', 'kentra.yaml')
    .option('--tenant <id>', 'Entra tenant ID')
    .option('--client-id <id>', 'application (client) ID, if the app exists already')
    .option('--cluster <name>', 'name of the first cluster', 'dev')
    .option('--kind <kind>', 'self-managed | kind | eks | aks', 'self-managed')
    .option('--server <url>', 'API server URL of the first cluster')
    .option('--authority <url>', 'sign-in host (e.g. the emulator)')
    .option('--graph <url>', 'Microsoft Graph base URL (e.g. the emulator)')
    .option('--force', 'overwrite an existing file')
    .addHelpText(
      'after',
      '\nExamples:\n  kentra init\n  kentra init clusters/prod.yaml --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 --cluster prod --kind eks',
    )
    .action(async (path: string, options: Record<string, string | boolean | undefined>) => {
      const { initAccessFile } = await import('../usecases/init.js');
      const written = await initAccessFile(
        path,
        ctx.cwd,
        {
          force: options.force === true,
          tenantId: options.tenant as string | undefined,
          clientId: options.clientId as string | undefined,
          clusterName: options.cluster as string | undefined,
          clusterKind: options.kind as string | undefined,
          server: options.server as string | undefined,
          authority: options.authority as string | undefined,
          graph: options.graph as string | undefined,
        },
        root.files,
      );
      ctx.stderr.write(
        `wrote ${written}; next: edit the rules, then \`kentra rbac plan --access ${path}\`\n`,
      );
    });
}
