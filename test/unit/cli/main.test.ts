import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatError } from '../../../src/cli/main.js';
import { KentraError } from '../../../src/errors.js';
import { VERSION } from '../../../src/version.js';
import { runCli } from '../../helpers/cli.js';

describe('kentra CLI', () => {
  it('prints help on stdout with every command and exits 0', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: kentra/);
    assert.match(run.stdout, /Commands:/);
    // Every listed command carries a one-line description.
    // Entries start two spaces in; deeper-indented lines continue a wrapped description.
    const commands = (run.stdout.split('Commands:\n')[1]?.split('\n\n')[0] ?? '')
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line));
    assert.ok(commands.length > 0);
    for (const line of commands)
      assert.match(line, /^\s+\S.*\s{2,}\S/, `command without description: ${line}`);
    assert.equal(run.stderr, '');
  });

  it('prints the package version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), VERSION);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(VERSION, pkg.version, 'src/version.ts must follow package.json');
  });

  it('rejects an unknown command with status 1 and a message on stderr only', async () => {
    const run = await runCli(['no-such-command']);
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /error/i);
  });
});

describe('unknown commands and flags, as kubectl answers them', () => {
  it('an unknown command fails even with --help, and points to the usage', async () => {
    for (const argv of [['teleport', '--help'], ['teleport'], ['help', 'teleport']]) {
      const run = await runCli(argv);
      assert.equal(run.code, 1, argv.join(' '));
      assert.equal(run.stdout, '', 'no help on stdout: a script must not think `teleport` exists');
      assert.equal(
        run.stderr,
        `error: unknown command "teleport" for "kentra"\n\nRun 'kentra --help' for usage.\n`,
      );
    }
  });

  it('suggests the closest command, also below a command group', async () => {
    const top = await runCli(['rbca', 'plan']);
    assert.equal(top.code, 1);
    assert.match(top.stderr, /^error: unknown command "rbca" for "kentra"\n\nDid you mean this\?\n\trbac\n/);
    const nested = await runCli(['rbac', 'plann', '--help']);
    assert.equal(nested.code, 1);
    assert.equal(nested.stdout, '');
    assert.match(
      nested.stderr,
      /unknown command "plann" for "kentra rbac"[\s\S]*\tplan\n[\s\S]*'kentra rbac --help'/,
    );
  });

  it('an unknown flag fails with the closest flag of that command and where its usage is', async () => {
    const run = await runCli(['rbac', 'plan', '--acess', 'kentra.yaml']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      "error: unknown flag: --acess\n\nDid you mean this?\n\t--access\n\nSee 'kentra rbac plan --help' for usage.\n",
    );
    const withValue = await runCli(['whoami', '--contxt=prod']);
    assert.match(withValue.stderr, /^error: unknown flag: --contxt\n[\s\S]*\t--context\n/);
    const nothingClose = await runCli(['--bogus']);
    assert.equal(nothingClose.code, 1);
    assert.equal(nothingClose.stderr, "error: unknown flag: --bogus\nSee 'kentra --help' for usage.\n");
  });

  it('known commands and help still work', async () => {
    const help = await runCli(['help', 'rbac']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: kentra rbac/);
    const sub = await runCli(['rbac', 'plan', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /^Usage: kentra rbac plan/);
  });

  it('`kentra help <group> <command>` shows the nested command, as `kentra <group> <command> --help` does', async () => {
    const nested = await runCli(['help', 'rbac', 'plan']);
    assert.equal(nested.code, 0);
    assert.match(nested.stdout, /^Usage: kentra rbac plan/);
    assert.match(nested.stdout, /--graph-auth/);
    assert.equal(nested.stdout, (await runCli(['rbac', 'plan', '--help'])).stdout);
  });
});

describe('formatError', () => {
  it('shows code, message and hint, and the cause only in debug mode', () => {
    const error = new KentraError('config.invalid', 'rules[3].group: no Entra group named "devs"', {
      hint: 'did you mean "developers"?',
      cause: new Error('inner'),
    });
    const plain = formatError(error, false);
    assert.equal(
      plain,
      'kentra: error [config.invalid]: rules[3].group: no Entra group named "devs"\n  hint: did you mean "developers"?\n',
    );
    assert.match(formatError(error, true), /cause: Error: inner/);
  });

  it('gives usage errors exit status 2 and others 1', () => {
    assert.equal(new KentraError('usage', 'x').exitCode, 2);
    assert.equal(new KentraError('auth.failed', 'x').exitCode, 1);
    assert.equal(new KentraError('auth.failed', 'x', { exitCode: 7 }).exitCode, 7);
  });
});
