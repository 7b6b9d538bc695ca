import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import { accessOption } from './output.js';

interface PortalFlags {
  access: string;
  listen: string;
  publicUrl?: string;
  clientId?: string;
  clientSecretFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  kubeconfig?: string;
  sessionHours: string;
  command: string;
}

const examples = `
A small web app for the people a platform team serves: they sign in with Entra (the portal's own
app registration, a confidential web client; never the cluster app, so portal tokens are never cluster
credentials), see who they are and their groups, what they can do on each cluster of the access file
(its RBAC, read with the portal's kubeconfig, evaluated offline for them), their elevations and when
each ends; they download a kubeconfig and activate an eligible group (PIM) with a reason and duration.

Sessions live on the server; the browser holds a random ID in a __Host- cookie (Secure, HttpOnly,
SameSite=Lax). Every form carries a CSRF token; the CSP allows no script. See docs/portal.md.

Examples:
  kentra portal --client-id $PORTAL_APP --client-secret-file /etc/kentra/portal-secret \\
    --tls-cert tls.crt --tls-key tls.key --listen 0.0.0.0:8443 --public-url https://access.example.com
  KENTRA_PORTAL_CLIENT_SECRET=… kentra portal --client-id $PORTAL_APP --insecure-http --listen 127.0.0.1:8080`;

export function registerPortal(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('portal')
    .description('self-service web portal: your access per cluster, kubeconfig download, PIM elevation')
    .addOption(accessOption())
    .option('--listen <host:port>', 'address to serve on', '127.0.0.1:8443')
    .option(
      '--public-url <url>',
      'the URL browsers use (behind a proxy); its /auth/callback is the redirect URI',
    )
    .option('--client-id <id>', "the portal's app registration (default: $KENTRA_PORTAL_CLIENT_ID)")
    .option(
      '--client-secret-file <path>',
      "file with the portal app's secret (default: $KENTRA_PORTAL_CLIENT_SECRET)",
    )
    .option('--tls-cert <path>', 'serving certificate (PEM)')
    .option('--tls-key <path>', 'serving key (PEM)')
    .option('--insecure-http', 'serve plain HTTP (only behind a TLS-terminating proxy)')
    .option(
      '--kubeconfig <path>',
      "the portal's kubeconfig for reading RBAC (default: $KUBECONFIG or ~/.kube/config)",
    )
    .option('--session-hours <hours>', 'how long a sign-in lasts', '8')
    .option('--command <path>', 'what downloaded kubeconfigs run for get-token', 'kentra')
    .addHelpText('after', examples)
    .action(async (flags: PortalFlags) => {
      const [{ runPortal, portalSecret }, { KentraError }] = await Promise.all([
        import('../usecases/portal.js'),
        import('../errors.js'),
      ]);
      const clientId = flags.clientId ?? ctx.env.KENTRA_PORTAL_CLIENT_ID;
      if (!clientId)
        throw new KentraError('usage', "the portal needs its own app registration's client ID", {
          hint: 'Pass --client-id (a web app with a secret and the redirect URI <public URL>/auth/callback).',
        });
      if (!flags.insecureHttp && !(flags.tlsCert && flags.tlsKey))
        throw new KentraError('usage', 'the portal serves HTTPS: give --tls-cert and --tls-key', {
          hint: 'Or --insecure-http when a TLS-terminating proxy is in front (its cookies are Secure).',
        });
      const match = /^(.*):(\d+)$/.exec(flags.listen);
      const sessionHours = Number(flags.sessionHours);
      if (!match || !(sessionHours > 0 && sessionHours <= 24))
        throw new KentraError('usage', 'use --listen host:port and --session-hours between 1 and 24');
      await runPortal(
        {
          accessPath: await root.resolve(flags.access),
          host: (match[1] ?? '').replace(/^\[|\]$/g, ''),
          port: Number(match[2]),
          ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
          clientId,
          clientSecret: await portalSecret(
            flags.clientSecretFile && (await root.resolve(flags.clientSecretFile)),
            ctx.env,
          ),
          ...(flags.tlsCert && flags.tlsKey
            ? {
                tls: {
                  certFile: await root.resolve(flags.tlsCert),
                  keyFile: await root.resolve(flags.tlsKey),
                },
              }
            : {}),
          kubeconfig: await root.kubeconfig({ kubeconfig: flags.kubeconfig }),
          sessionHours,
          command: flags.command,
        },
        {
          readText: root.files.readText,
          env: ctx.env,
          cwd: ctx.cwd,
          now: ctx.now,
          log: (line) => ctx.stderr.write(`${line}\n`),
          interrupted: ctx.interrupted,
        },
      );
    });
}
