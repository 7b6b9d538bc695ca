import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphAuthModes } from '../../../src/adapters/entra/graph-auth-modes.js';
import { runCli } from '../../helpers/cli.js';

/** Every command that talks to Microsoft Graph. */
const graphCommands = [
  ['entra', 'setup'],
  ['entra', 'check'],
  ['rbac', 'plan'],
  ['rbac', 'apply'],
  ['rbac', 'prune'],
  ['whoami'],
  ['verify'],
  ['audit'],
];

describe('--graph-auth on every Graph command', () => {
  for (const command of graphCommands)
    it(`kentra ${command.join(' ')} --help shows the same --graph-auth option and mode list`, async () => {
      const { code, stdout } = await runCli([...command, '--help']);
      assert.equal(code, 0);
      assert.match(stdout, /--graph-auth <mode> +how to sign in to Microsoft Graph \(choices:/);
      assert.match(stdout, /--graph-client-id <id>/);
      const listed =
        /Microsoft Graph sign-in \(--graph-auth, default auto; docs\/graph-auth\.md\):\n([\s\S]*?)\ntenant\.id/.exec(
          stdout,
        )?.[1];
      assert.ok(listed, 'the modes are explained');
      for (const mode of graphAuthModes) assert.match(listed, new RegExp(`^  ${mode} `, 'm'), mode);
    });

  it('`kentra help <command>` shows it for a top-level command', async () => {
    for (const command of ['whoami', 'verify', 'audit']) {
      const { stdout } = await runCli(['help', command]);
      assert.match(stdout, /--graph-auth <mode>/, command);
    }
  });

  it('refuses an unknown mode before doing anything', async () => {
    const { code, stderr } = await runCli(['rbac', 'plan', '--graph-auth', 'password']);
    assert.notEqual(code, 0);
    assert.match(stderr, /--graph-auth <mode>' argument 'password' is invalid/);
  });
});
