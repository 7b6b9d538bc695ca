/**
 * `--graph-auth` and `--graph-client-id`: defined once, registered by every
 * command that talks to Microsoft Graph, with the same help text everywhere;
 * the composition root turns them into the one Graph access
 * (src/adapters/graph/open-graph.ts).
 */
import { type Command, Option } from 'commander';
import { type GraphAuthMode, graphAuthModes } from '../adapters/entra/graph-auth-modes.js';
import type { GraphAuthSettings } from '../adapters/graph/open-graph.js';

export interface GraphAuthFlags {
  graphAuth: string;
  graphClientId?: string;
}

export const graphAuthHelp = `
Microsoft Graph sign-in (--graph-auth, default auto; docs/graph-auth.md):
  auto                KENTRA_GRAPH_TOKEN; else AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or
                      AZURE_CLIENT_CERTIFICATE_PATH; else workload identity (AZURE_FEDERATED_TOKEN_FILE);
                      else a managed identity the host announces (IDENTITY_ENDPOINT, MSI_ENDPOINT);
                      else the Azure CLI when az is installed; else a device code at a terminal
  azure-cli           the account of \`az login\`
  device-code         sign in on another device (the prompt goes to stderr)
  browser             sign in in the system browser
  client-secret       AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (+ AZURE_TENANT_ID without kentra.yaml)
  client-certificate  AZURE_CLIENT_ID + AZURE_CLIENT_CERTIFICATE_PATH (PEM with the private key)
  workload-identity   AZURE_CLIENT_ID + AZURE_FEDERATED_TOKEN_FILE (e.g. AKS workload identity)
  managed-identity    the host's identity; a user-assigned one by AZURE_CLIENT_ID
  token               a Graph access token in KENTRA_GRAPH_TOKEN
tenant.id, tenant.authority, tenant.graph and tenant.certificateAuthorityFile in kentra.yaml say
which tenant and cloud (or the local emulator) to sign in to.`;

/** Registers the Graph sign-in options and their help on a command. */
export function withGraphAuth(command: Command): Command {
  return command
    .addOption(
      new Option('--graph-auth <mode>', 'how to sign in to Microsoft Graph')
        .choices(graphAuthModes)
        .default('auto'),
    )
    .option(
      '--graph-client-id <id>',
      'public client for --graph-auth device-code and browser (default: Azure CLI)',
    )
    .addHelpText('after', graphAuthHelp);
}

/** The Graph sign-in settings the flags name, for the composition root's `graph`. */
export function graphAuthOf(flags: GraphAuthFlags): GraphAuthSettings {
  return { mode: flags.graphAuth as GraphAuthMode, clientId: flags.graphClientId };
}
