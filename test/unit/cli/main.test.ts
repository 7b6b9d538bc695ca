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
