import type { Command } from 'commander';
import { registerAccess } from './access.js';
import { registerAudit } from './audit.js';
import { registerCluster } from './cluster.js';
import type { CliContext } from './context.js';
import { registerElevate } from './elevate.js';
import { registerEmulatorCommand } from './emulator.js';
import { registerEntra } from './entra.js';
import { registerGetToken } from './get-token.js';
import { registerInit } from './init.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerLogout } from './logout.js';
import { registerRbac } from './rbac.js';
import { registerVerify } from './verify.js';
import { registerWebhook } from './webhook.js';
import { registerWhoami } from './whoami.js';

/**
 * The command table. Each command lives in its own file under src/cli/ and
 * registers its flags here; its implementation is imported lazily inside the
 * action so that `kentra --help` and `kentra get-token` stay fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerInit(program, ctx);
  registerEntra(program, ctx);
  registerCluster(program, ctx);
  registerRbac(program, ctx);
  registerGetToken(program, ctx);
  registerKubeconfig(program, ctx);
  registerLogout(program, ctx);
  registerWhoami(program, ctx);
  registerVerify(program, ctx);
  registerElevate(program, ctx);
  registerAccess(program, ctx);
  registerAudit(program, ctx);
  registerWebhook(program, ctx);
  registerEmulatorCommand(program, ctx);
}
