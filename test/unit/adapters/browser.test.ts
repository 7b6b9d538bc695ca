import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserAvailable, openerCommand } from '../../../src/adapters/browser.js';

describe('can a browser open here?', () => {
  it('yes on a Linux desktop, macOS and Windows', () => {
    assert.equal(browserAvailable({ DISPLAY: ':0' }, 'linux'), true);
    assert.equal(browserAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), true);
    assert.equal(browserAvailable({}, 'darwin'), true);
    assert.equal(browserAvailable({}, 'win32'), true);
  });

  it('no over SSH without X forwarding, on a headless Linux, or in WSL', () => {
    assert.equal(browserAvailable({ SSH_CONNECTION: '1 2 3 4' }, 'darwin'), false);
    assert.equal(browserAvailable({ SSH_TTY: '/dev/pts/1', DISPLAY: 'localhost:10.0' }, 'linux'), true);
    assert.equal(browserAvailable({}, 'linux'), false);
    assert.equal(browserAvailable({ WSL_DISTRO_NAME: 'Ubuntu', DISPLAY: ':0' }, 'linux'), false);
  });

  it('yes whenever $BROWSER names one', () => {
    assert.equal(browserAvailable({ BROWSER: 'wslview', WSL_DISTRO_NAME: 'Ubuntu' }, 'linux'), true);
  });
});

describe('opener command', () => {
  it('appends the URL to --browser-command, then $BROWSER, then the platform opener', () => {
    const url = 'https://login.example/authorize?x=1';
    assert.deepEqual(openerCommand(url, { BROWSER: 'firefox' }, 'linux', 'node drive.js --headless'), [
      'node',
      ['drive.js', '--headless', url],
    ]);
    assert.deepEqual(openerCommand(url, { BROWSER: 'wslview' }, 'linux'), ['wslview', [url]]);
    assert.deepEqual(openerCommand(url, {}, 'linux'), ['xdg-open', [url]]);
    assert.deepEqual(openerCommand(url, {}, 'darwin'), ['open', [url]]);
    assert.deepEqual(openerCommand(url, {}, 'win32'), ['rundll32', ['url.dll,FileProtocolHandler', url]]);
  });
});
