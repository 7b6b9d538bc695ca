import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import type { CliContext } from './context.js';

/**
 * The command table. Each command lives in its own file under src/cli/ and
 * registers its flags here; its implementation is imported lazily inside the
 * action so that `kentra --help` and `kentra get-token` stay fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerAudit(program, ctx);
}
