import type { Command } from 'commander';
import { registerAccess } from './access.js';
import { registerAudit } from './audit.js';
import { registerCluster } from './cluster.js';
import type { CliContext } from './context.js';
import { registerEmulatorCommand } from './emulator.js';
import { registerEntra } from './entra.js';
import { registerInit } from './init.js';
import { registerRbac } from './rbac.js';
import { registerWebhook } from './webhook.js';

/**
 * The command table. Each command lives in its own file under src/cli/ and
 * registers its flags here; its implementation is imported lazily inside the
 * action so that `kentra --help` and `kentra get-token` stay fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerInit(program, ctx);
  registerCluster(program, ctx);
  registerRbac(program, ctx);
  registerEntra(program, ctx);
  registerAccess(program, ctx);
  registerAudit(program, ctx);
  registerWebhook(program, ctx);
  registerEmulatorCommand(program, ctx);
}
