/**
 * Opening the sign-in page in a browser. The child's stdout goes to kentra's
 * stderr: kubectl reads kentra's stdout as the ExecCredential, and a chatty
 * xdg-open must not corrupt it (int128/kubelogin does the same).
 *
 * Inside WSL the Linux side usually has no browser, but Windows does: kentra
 * opens the Windows default browser (wslview, else PowerShell's Start-Process,
 * else `cmd.exe /c start`) instead of falling back to device code
 * (int128/kubelogin#535; reference/kubectl-credential-plugins.md §7 pain point 6).
 * The loopback redirect still reaches kentra: WSL 2 forwards Windows' localhost
 * to the Linux side (localhostForwarding, on by default).
 *
 * Everything the decisions read (platform, environment, /proc/version, which
 * programs exist) comes in as a `BrowserHost`, so every branch is unit-tested
 * with an injected one; `systemBrowserHost` is the real one.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { executableOnPath, isExecutable } from './executables.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface BrowserHost {
  platform: NodeJS.Platform;
  env: Environment;
  /** The text of /proc/version (Linux), or undefined where there is none. */
  procVersion(): string | undefined;
  /** The full path of a program on PATH, or undefined. */
  which(name: string): string | undefined;
  /** Whether a path is an executable file (for Windows' programs at their fixed places). */
  isExecutable(path: string): boolean;
}

/** The host kentra runs on: process platform, the given environment, the real file system. */
export function systemBrowserHost(env: Environment, platform: NodeJS.Platform): BrowserHost {
  return {
    platform,
    env,
    procVersion: () => {
      try {
        return readFileSync('/proc/version', 'utf8');
      } catch {
        return undefined;
      }
    },
    which: (name) => executableOnPath(name, env),
    isExecutable,
  };
}

/**
 * WSL (1 or 2): its variables (WSL_DISTRO_NAME, WSL_INTEROP), which `sudo` or a
 * service may have dropped, else the kernel's name, which says "microsoft"
 * (Microsoft's WSL docs, "check the version"; wslu's own test).
 */
export function isWsl(host: BrowserHost): boolean {
  if (host.platform !== 'linux') return false;
  if (host.env.WSL_DISTRO_NAME || host.env.WSL_INTEROP) return true;
  return /microsoft/i.test(host.procVersion() ?? '');
}

/** Where Windows keeps the programs kentra may use when WSL's PATH lacks them (appendWindowsPath=false). */
const windowsPrograms = {
  'powershell.exe': '/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe',
  'cmd.exe': '/mnt/c/Windows/System32/cmd.exe',
} as const;

/** The Windows browser opener of a WSL host: wslview, PowerShell, cmd.exe, whichever exists first. */
function windowsOpener(url: string, host: BrowserHost): [string, string[]] | undefined {
  const wslview = host.which('wslview');
  if (wslview) return [wslview, [url]];
  const find = (name: keyof typeof windowsPrograms) =>
    host.which(name) ?? (host.isExecutable(windowsPrograms[name]) ? windowsPrograms[name] : undefined);
  const powershell = find('powershell.exe');
  if (powershell) {
    // -EncodedCommand (UTF-16LE, base64) carries the URL through WSL's command-line conversion
    // and PowerShell's parser untouched; inside single quotes only ' itself needs doubling.
    const script = `Start-Process '${url.replace(/'/g, "''")}'`;
    return [
      powershell,
      ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')],
    ];
  }
  const cmd = find('cmd.exe');
  // cmd.exe reads & | < > ( ) ^ % as its own: each is escaped with ^ (outside quotes).
  if (cmd) return [cmd, ['/c', 'start', url.replace(/[&|<>()^%]/g, '^$&')]];
  return undefined;
}

/**
 * Whether a local browser can show a page: not over SSH without X forwarding,
 * not on a Linux console or container without a display; in WSL when a Windows
 * opener exists. BROWSER (the common convention) counts as a browser.
 */
export function browserAvailable(host: BrowserHost): boolean {
  const { env, platform } = host;
  if (env.BROWSER) return true;
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (env.SSH_CONNECTION || env.SSH_TTY) return display;
  if (platform === 'darwin' || platform === 'win32') return true;
  if (isWsl(host)) return windowsOpener('about:blank', host) !== undefined;
  return display;
}

/** The opener command line for a URL: --browser-command, else $BROWSER, else the platform's opener. */
export function openerCommand(url: string, host: BrowserHost, browserCommand?: string): [string, string[]] {
  const custom = browserCommand || host.env.BROWSER;
  if (custom) {
    const [command = custom, ...args] = custom.trim().split(/\s+/);
    return [command, [...args, url]];
  }
  if (host.platform === 'darwin') return ['open', [url]];
  if (host.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  if (isWsl(host)) {
    const windows = windowsOpener(url, host);
    if (windows) return windows;
  }
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
export async function openUrl(url: string, host: BrowserHost, browserCommand?: string): Promise<Opener> {
  const [command, args] = openerCommand(url, host, browserCommand);
  const child = spawn(command, args, { stdio: ['ignore', 2, 2], detached: true, env: { ...host.env } });
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(error))]);
  // Listening for the exit keeps nothing alive: the child is unref'd, and kentra does not wait for it.
  const exited = new Promise<OpenerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.unref();
  return { command, custom: Boolean(browserCommand || host.env.BROWSER), exited };
}
