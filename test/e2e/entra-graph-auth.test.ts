/**
 * `--graph-auth device-code` through @azure/identity against the emulator
 * (authority host from kentra.yaml, its CA trusted through tlsOptions): the
 * prompt reaches stderr, a person approves the code on the emulator's
 * device-login page, and setup runs with that user's delegated Graph token.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { adminCliClientId, type EntraWorld, startEntraWorld } from '../helpers/entra-world.js';

describe('kentra entra setup --graph-auth device-code', () => {
  let world: EntraWorld;
  before(async () => {
    world = await startEntraWorld();
    await world.writeAccess();
  });
  after(() => world.stop());

  it('prompts on stderr, signs in with the device code at the emulator, and sets the app up', async () => {
    let stdout = '';
    let stderr = '';
    const approvals: Promise<void>[] = [];
    const ctx: CliContext = {
      stdout: {
        write: (text) => {
          stdout += text;
        },
      },
      stderr: {
        write: (text) => {
          stderr += text;
          const prompt = /open the page (\S+) and enter the code (\S+)/.exec(text);
          if (prompt?.[1] && prompt[2])
            approvals.push(world.entra.browser().approveDeviceCode(prompt[1], prompt[2], world.user('ada')));
        },
      },
      stdin: Readable.from([]),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      env: {},
      cwd: world.dir,
      now: Date.now,
      interrupted: new Promise(() => {}),
    };
    const code = await main(
      [
        'entra',
        'setup',
        '--access',
        world.accessPath,
        '--graph-auth',
        'device-code',
        '--device-code-client-id',
        adminCliClientId,
      ],
      ctx,
    );
    await Promise.all(approvals);
    assert.equal(approvals.length, 1, 'one device-code prompt');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Done: 5 changes made\./);
    const signIn = world.entra.control.signIns().find((entry) => entry.appId === adminCliClientId);
    assert.equal(signIn?.userPrincipalName, world.user('ada').username, 'Ada signed in with the device code');
  });
});
