/**
 * Opening the sign-in page in a browser. The child's stdout goes to kentra's
 * stderr: kubectl reads kentra's stdout as the ExecCredential, and a chatty
 * xdg-open must not corrupt it (int128/kubelogin does the same).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Whether a local browser can show a page: not over SSH without X forwarding,
 * not on a Linux console or container without a display, not in WSL (whose
 * Linux side usually has no browser; reference/kubectl-credential-plugins.md §7
 * pain point 6). BROWSER (the common convention) counts as a browser.
 */
export function browserAvailable(env: Environment, platform: NodeJS.Platform): boolean {
  if (env.BROWSER) return true;
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (env.SSH_CONNECTION || env.SSH_TTY) return display;
  if (platform === 'darwin' || platform === 'win32') return true;
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return false;
  return display;
}

/** The opener command line for a URL: --browser-command, else $BROWSER, else the platform's opener. */
export function openerCommand(
  url: string,
  env: Environment,
  platform: NodeJS.Platform,
  browserCommand?: string,
): [string, string[]] {
  const custom = browserCommand || env.BROWSER;
  if (custom) {
    const [command = custom, ...args] = custom.trim().split(/\s+/);
    return [command, [...args, url]];
  }
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** How an opener ended: its exit status, or the signal that stopped it. */
export interface OpenerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started opener: `exited` settles when it ends (it never rejects). */
export interface Opener {
  command: string;
  /** --browser-command or $BROWSER, not the platform's opener. */
  custom: boolean;
  exited: Promise<OpenerExit>;
}

/** Starts the opener; resolves once it runs, rejects if it cannot be started. */
export async function openUrl(
  url: string,
  env: Environment,
  platform: NodeJS.Platform,
  browserCommand?: string,
): Promise<Opener> {
  const [command, args] = openerCommand(url, env, platform, browserCommand);
  const child = spawn(command, args, { stdio: ['ignore', 2, 2], detached: true, env: { ...env } });
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(error))]);
  // Listening for the exit keeps nothing alive: the child is unref'd, and kentra does not wait for it.
  const exited = new Promise<OpenerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.unref();
  return { command, custom: Boolean(browserCommand || env.BROWSER), exited };
}
