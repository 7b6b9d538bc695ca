import type { Command } from 'commander';
import type { Root } from '../composition/root.js';
import { registerAccess } from './access.js';
import { registerAccounts } from './accounts.js';
import { registerAudit } from './audit.js';
import { registerCluster } from './cluster.js';
import { registerElevate } from './elevate.js';
import { registerEmulatorCommand } from './emulator.js';
import { registerEntra } from './entra.js';
import { registerGetToken } from './get-token.js';
import { registerInit } from './init.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerLogout } from './logout.js';
import { registerPortal } from './portal.js';
import { registerRbac } from './rbac.js';
import { registerVerify } from './verify.js';
import { registerWebhook } from './webhook.js';
import { registerWhoami } from './whoami.js';

/**
 * The command table. Each command lives in its own file under src/cli/ and
 * registers its flags here; its implementation is imported lazily inside the
 * action so that `kentra --help` and `kentra get-token` stay fast.
 */
export function registerCommands(program: Command, root: Root): void {
  registerInit(program, root);
  registerEntra(program, root);
  registerCluster(program, root);
  registerRbac(program, root);
  registerGetToken(program, root);
  registerKubeconfig(program, root);
  registerLogout(program, root);
  registerAccounts(program, root);
  registerWhoami(program, root);
  registerVerify(program, root);
  registerElevate(program, root);
  registerAccess(program, root);
  registerAudit(program, root);
  registerWebhook(program, root);
  registerPortal(program, root);
  registerEmulatorCommand(program, root);
}
