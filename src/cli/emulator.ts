import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import { KentraError } from '../errors.js';

interface EmulatorFlags {
  port: string;
  stateDir?: string;
  seed?: string;
  output: string;
  verbose?: boolean;
  trustCa?: string[];
  managedIdentityPort: string;
}

/** `kentra emulator`: a local Entra ID (OIDC, Graph, sign-in logs) until Ctrl-C. */
export function registerEmulatorCommand(program: Command, root: Root): void {
  const { ctx } = root;
  program
    .command('emulator')
    .description('run a local Entra ID: OIDC, Graph, sign-in logs')
    .option('--port <port>', 'HTTPS port on 127.0.0.1 (0 picks a free one)', '8443')
    .option('--state-dir <dir>', 'folder for the CA and signing keys (reused on restart)')
    .option('--seed <file>', 'directory seed (YAML; see docs/emulator.md); default: the built-in demo tenant')
    .option('-o, --output <format>', 'start-up summary as text or json', 'text')
    .option('-v, --verbose', 'log every request (method, path, status) to stderr')
    .option(
      '--trust-ca <file>',
      "a CA (PEM) to trust, besides the public roots, for federated credentials' issuers (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--managed-identity-port <port>',
      'plain-HTTP port on 127.0.0.1 for the managed-identity endpoint (0 picks a free one)',
      '0',
    )
    .addHelpText(
      'after',
      `
Examples:
  kentra emulator                            demo tenant on https://127.0.0.1:8443
  kentra emulator --port 0 -o json           any free port; JSON summary for scripts
  kentra emulator --seed my-tenant.yaml --state-dir ./.emulator

Federated identity credentials (workload identity) trust tokens of another OIDC issuer: the
emulator reads its keys over HTTPS, trusting the public roots and every --trust-ca.
The managed-identity endpoint serves @azure/identity's ManagedIdentityCredential: set the printed
IDENTITY_ENDPOINT and IDENTITY_HEADER (or AZURE_POD_IDENTITY_AUTHORITY_HOST) in its environment.

Clients must trust the CA printed at start (NODE_EXTRA_CA_CERTS, curl --cacert, the
kube-apiserver's certificateAuthority). The CA and signing keys are kept in the state folder,
so a restart keeps existing tokens valid; the directory itself restarts from the seed.`,
    )
    .action(async (flags: EmulatorFlags) => {
      const port = portOf(flags.port, '--port');
      const managedIdentityPort = portOf(flags.managedIdentityPort, '--managed-identity-port');
      if (flags.output !== 'text' && flags.output !== 'json') {
        throw new KentraError('usage', `--output must be text or json, got ${JSON.stringify(flags.output)}`);
      }
      const { startEmulatorServer } = await import('../emulator/server.js');
      const { readSeedFile } = await import('../emulator/seed.js');
      const { emulatorSummary, renderSummary } = await import('../emulator/summary.js');
      const stateDir = flags.stateDir ?? join(await root.home(), '.kentra', 'emulator');
      const running = await startEmulatorServer({
        stateDir: resolve(ctx.cwd, stateDir),
        port,
        seed: flags.seed ? await readSeedFile(resolve(ctx.cwd, flags.seed)) : undefined,
        now: ctx.now,
        trustedCaPems: await Promise.all(
          (flags.trustCa ?? []).map((file) => readCa(root.files.readText, resolve(ctx.cwd, file))),
        ),
        managedIdentityPort,
        onRequest: flags.verbose
          ? (r) => ctx.stderr.write(`${r.status} ${r.method} ${r.path} (${r.endpoint}, ${r.ms} ms)\n`)
          : undefined,
        onError: (error) =>
          ctx.stderr.write(
            `kentra emulator: request failed: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      });
      const summary = emulatorSummary(running, !flags.seed);
      ctx.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary),
      );
      const signal = await ctx.interrupted;
      await running.close();
      ctx.stderr.write(`kentra emulator: stopped (${signal})\n`);
    });
}

function portOf(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new KentraError('usage', `${flag} must be a number from 0 to 65535, got ${JSON.stringify(value)}`);
  return port;
}

async function readCa(readText: (path: string) => Promise<string>, path: string): Promise<string> {
  try {
    return await readText(path);
  } catch (cause) {
    throw new KentraError('io.read', `cannot read the CA file ${path} (--trust-ca)`, {
      cause,
      hint: 'Give the PEM file of the CA that signs the issuer’s HTTPS certificate.',
    });
  }
}
