/**
 * `--graph-auth device-code` through @azure/identity against the emulator
 * (authority host from kentra.yaml, its CA trusted through tlsOptions): the
 * prompt reaches stderr, a person approves the code on the emulator's
 * device-login page, and setup runs with that user's delegated Graph token.
 * Run on Node and as the compiled binary: @azure/identity's TLS trust goes
 * through node:https, where Bun and Node could differ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kentra } from '../harness/kentra-command.js';
import { adminCliClientId, type EntraWorld, startEntraWorld } from '../helpers/entra-world.js';

describe(`kentra entra setup --graph-auth device-code (kentra: ${kentra.name})`, () => {
  let world: EntraWorld;
  before(async () => {
    world = await startEntraWorld();
    await world.writeAccess();
  });
  after(() => world.stop());

  it('prompts on stderr, signs in with the device code at the emulator, and sets the app up', async () => {
    const approvals: Promise<void>[] = [];
    const { code, stdout, stderr } = await kentra.run(
      [
        ...['entra', 'setup', '--access', world.accessPath],
        ...['--graph-auth', 'device-code', '--graph-client-id', adminCliClientId],
      ],
      {
        cwd: world.dir,
        onStderr: (text: string) => {
          const prompt = /open the page (\S+) and enter the code (\S+)/.exec(text);
          if (prompt?.[1] && prompt[2])
            approvals.push(world.entra.browser().approveDeviceCode(prompt[1], prompt[2], world.user('ada')));
        },
      },
    );
    await Promise.all(approvals);
    assert.equal(approvals.length, 1, 'one device-code prompt');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Done: 5 changes made\./);
    const signIn = world.entra.control.signIns().find((entry) => entry.appId === adminCliClientId);
    assert.equal(signIn?.userPrincipalName, world.user('ada').username, 'Ada signed in with the device code');
  });
});
