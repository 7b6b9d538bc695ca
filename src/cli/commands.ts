import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerEmulatorCommand } from './emulator.js';
import { registerGetToken } from './get-token.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerLogout } from './logout.js';

/**
 * The command table. Each command lives in its own file under src/cli/ and
 * registers its flags here; its implementation is imported lazily inside the
 * action so that `kentra --help` and `kentra get-token` stay fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerEmulatorCommand(program, ctx);
  registerGetToken(program, ctx);
  registerKubeconfig(program, ctx);
  registerLogout(program, ctx);
}
