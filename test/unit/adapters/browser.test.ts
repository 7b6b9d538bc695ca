/**
 * Where a browser can open and which program opens it, decided from an
 * injected host (platform, environment, /proc/version, programs that exist):
 * desktops, SSH, headless Linux, and WSL with the Windows browser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BrowserHost,
  browserAvailable,
  type Environment,
  isWsl,
  openerCommand,
} from '../../../src/adapters/browser.js';

/** A host with only the programs named in `programs` (name -> path) and the given /proc/version. */
function host(
  env: Environment,
  platform: NodeJS.Platform = 'linux',
  options: { programs?: Record<string, string>; procVersion?: string; files?: string[] } = {},
): BrowserHost {
  const programs = options.programs ?? {};
  return {
    platform,
    env,
    procVersion: () => options.procVersion,
    which: (name) => (Object.hasOwn(programs, name) ? programs[name] : undefined),
    isExecutable: (path) => (options.files ?? []).includes(path),
  };
}

const wslKernel =
  'Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) 11.2.0) #1 SMP';
const windows = {
  'powershell.exe': '/mnt/c/WINDOWS/System32/WindowsPowerShell/v1.0/powershell.exe',
  'cmd.exe': '/mnt/c/WINDOWS/system32/cmd.exe',
};
const url = 'https://login.example/t/oauth2/v2.0/authorize?client_id=a&scope=openid%20profile&state=x';

describe('can a browser open here?', () => {
  it('yes on a Linux desktop, macOS and Windows', () => {
    assert.equal(browserAvailable(host({ DISPLAY: ':0' })), true);
    assert.equal(browserAvailable(host({ WAYLAND_DISPLAY: 'wayland-0' })), true);
    assert.equal(browserAvailable(host({}, 'darwin')), true);
    assert.equal(browserAvailable(host({}, 'win32')), true);
  });

  it('no over SSH without X forwarding, nor on a headless Linux', () => {
    assert.equal(browserAvailable(host({ SSH_CONNECTION: '1 2 3 4' }, 'darwin')), false);
    assert.equal(browserAvailable(host({ SSH_TTY: '/dev/pts/1', DISPLAY: 'localhost:10.0' })), true);
    assert.equal(browserAvailable(host({})), false);
  });

  it('yes whenever $BROWSER names one', () => {
    assert.equal(browserAvailable(host({ BROWSER: 'firefox' })), true);
  });

  it('in WSL: yes when a Windows opener exists, without a Linux display; not over SSH into WSL', () => {
    const wsl = { WSL_DISTRO_NAME: 'Ubuntu', WSL_INTEROP: '/run/WSL/8_interop' };
    assert.equal(browserAvailable(host(wsl, 'linux', { programs: windows })), true);
    assert.equal(browserAvailable(host(wsl, 'linux', { programs: { wslview: '/usr/bin/wslview' } })), true);
    assert.equal(browserAvailable(host(wsl, 'linux', { files: ['/mnt/c/Windows/System32/cmd.exe'] })), true);
    assert.equal(browserAvailable(host(wsl)), false, 'no Windows program reachable: device code');
    assert.equal(
      browserAvailable(host({ ...wsl, SSH_CONNECTION: '1 2 3 4' }, 'linux', { programs: windows })),
      false,
    );
  });
});

describe('is this WSL?', () => {
  it('by its variables, or by the kernel’s name when they were dropped (sudo, a service)', () => {
    assert.equal(isWsl(host({ WSL_DISTRO_NAME: 'Debian' })), true);
    assert.equal(isWsl(host({ WSL_INTEROP: '/run/WSL/1_interop' })), true);
    assert.equal(isWsl(host({}, 'linux', { procVersion: wslKernel })), true);
    assert.equal(
      isWsl(
        host({}, 'linux', { procVersion: 'Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org)' }),
      ),
      false,
    );
    assert.equal(isWsl(host({}, 'linux')), false, 'no /proc/version');
    assert.equal(isWsl(host({ WSL_DISTRO_NAME: 'Ubuntu' }, 'darwin')), false);
  });
});

describe('opener command', () => {
  it('appends the URL to --browser-command, then $BROWSER, then the platform opener', () => {
    assert.deepEqual(openerCommand(url, host({ BROWSER: 'firefox' }), 'node drive.js --headless'), [
      'node',
      ['drive.js', '--headless', url],
    ]);
    assert.deepEqual(openerCommand(url, host({ BROWSER: 'wslview' })), ['wslview', [url]]);
    assert.deepEqual(openerCommand(url, host({})), ['xdg-open', [url]]);
    assert.deepEqual(openerCommand(url, host({}, 'darwin')), ['open', [url]]);
    assert.deepEqual(openerCommand(url, host({}, 'win32')), [
      'rundll32',
      ['url.dll,FileProtocolHandler', url],
    ]);
  });

  it('in WSL opens the Windows browser: wslview first', () => {
    const wsl = host({ WSL_DISTRO_NAME: 'Ubuntu' }, 'linux', {
      programs: { wslview: '/usr/bin/wslview', ...windows },
    });
    assert.deepEqual(openerCommand(url, wsl), ['/usr/bin/wslview', [url]]);
  });

  it('in WSL without wslview: PowerShell Start-Process, the URL carried intact in -EncodedCommand', () => {
    const tricky = `${url}&prompt=select_account&x='quoted'`;
    const [command, args] = openerCommand(
      tricky,
      host({}, 'linux', { procVersion: wslKernel, programs: windows }),
    );
    assert.equal(command, windows['powershell.exe']);
    assert.deepEqual(args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    const script = Buffer.from(args[3] ?? '', 'base64').toString('utf16le');
    assert.equal(script, `Start-Process '${tricky.replace(/'/g, "''")}'`);
  });

  it('in WSL with cmd.exe only: `start` with cmd’s special characters escaped', () => {
    const [command, args] = openerCommand(
      url,
      host({ WSL_INTEROP: '/run/WSL/1_interop' }, 'linux', { programs: { 'cmd.exe': windows['cmd.exe'] } }),
    );
    assert.equal(command, windows['cmd.exe']);
    assert.deepEqual(args, [
      '/c',
      'start',
      'https://login.example/t/oauth2/v2.0/authorize?client_id=a^&scope=openid^%20profile^&state=x',
    ]);
  });

  it('in WSL, --browser-command and $BROWSER still win; with no Windows program, xdg-open', () => {
    const wsl = host({ WSL_DISTRO_NAME: 'Ubuntu', BROWSER: 'firefox' }, 'linux', { programs: windows });
    assert.deepEqual(openerCommand(url, wsl), ['firefox', [url]]);
    assert.deepEqual(openerCommand(url, wsl, 'my-opener'), ['my-opener', [url]]);
    assert.deepEqual(openerCommand(url, host({ WSL_DISTRO_NAME: 'Ubuntu' })), ['xdg-open', [url]]);
  });
});
