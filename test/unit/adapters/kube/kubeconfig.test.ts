import assert from 'node:assert/strict';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { openKubeconfig } from '../../../../src/adapters/kube/kubeconfig.js';
import type { KubeconfigEdit } from '../../../../src/domain/kubeconfig/merge.js';
import { KentraError } from '../../../../src/errors.js';

const root = await mkdtemp(join(tmpdir(), 'kentra-kubeconfig-source-'));
after(() => rm(root, { recursive: true, force: true }));

let folders = 0;
async function folder(): Promise<string> {
  const path = join(root, `case-${++folders}`);
  await mkdir(path, { recursive: true });
  return path;
}

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('the kubeconfig source: reading', () => {
  it('merges KUBECONFIG first-file-wins and resolves relative paths against each entry’s own file', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'one'));
    await mkdir(join(dir, 'two'));
    await writeFile(join(dir, 'two', 'ca.pem'), pem);
    await writeFile(join(dir, 'two', 'token'), 'file-token\n');
    await writeFile(
      join(dir, 'one', 'config'),
      'contexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ""\n',
    );
    await writeFile(
      join(dir, 'two', 'config'),
      [
        'clusters: [{name: c, cluster: {server: "https://c.example/", certificate-authority: ca.pem}}]',
        'users: [{name: u, user: {tokenFile: token, exec: {command: ./bin/plugin}}}]',
        'contexts: [{name: ctx, context: {cluster: other, user: other}}]',
        'current-context: ctx',
      ].join('\n'),
    );
    const source = openKubeconfig({}, { env: { KUBECONFIG: 'one/config:missing:two/config' }, cwd: dir });
    const connection = await source.connection();
    assert.deepEqual(connection, {
      server: 'https://c.example',
      caPem: pem,
      certPem: undefined,
      keyPem: undefined,
      token: 'file-token',
      insecureSkipTlsVerify: false,
      context: 'ctx',
    });
    const resolved = await source.context();
    assert.equal(resolved.context.file, join(dir, 'one', 'config'), 'the first file’s ctx wins');
    assert.equal(
      (resolved.user?.value.exec as { command: string } | undefined)?.command,
      join(dir, 'two', 'bin', 'plugin'),
    );
  });

  it('refuses a missing --kubeconfig, and says when no context is set', async () => {
    const dir = await folder();
    await assert.rejects(
      openKubeconfig({ kubeconfig: 'nope' }, { env: {}, cwd: dir }).read(),
      (error: unknown) =>
        error instanceof KentraError && error.code === 'io.read' && /does not exist/.test(error.message),
    );
    await assert.rejects(
      openKubeconfig({}, { env: { KUBECONFIG: 'a:b' }, cwd: dir }).connection(),
      /no context given and no current-context set \(no kubeconfig file\)/,
    );
  });

  it('refuses a file kubectl refuses, naming the file and field', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'bad'), 'contexts: [{name: y, context: {}}]\n');
    await assert.rejects(
      openKubeconfig({}, { env: { KUBECONFIG: 'bad' }, cwd: dir }).read(),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'config.invalid' &&
        error.message === `${join(dir, 'bad')}: contexts[0].name: must be a string, not a boolean`,
    );
  });
});

describe('the kubeconfig source: writing', () => {
  const addContext = (name: string) => (edit: KubeconfigEdit) => {
    const doc = edit.document(edit.defaultFile);
    if (!doc.has('contexts')) doc.set('contexts', doc.createNode([]));
    doc.addIn(['contexts'], doc.createNode({ name, context: { cluster: 'c', user: 'u' } }));
  };

  it('writes through a symlink: the link stays, the target keeps its mode', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'dotfiles'));
    await writeFile(join(dir, 'dotfiles', 'kubeconfig'), 'contexts: []\n');
    await chmod(join(dir, 'dotfiles', 'kubeconfig'), 0o640);
    await mkdir(join(dir, '.kube'));
    await symlink('../dotfiles/kubeconfig', join(dir, '.kube', 'config'));
    const source = openKubeconfig({}, { env: { HOME: dir }, cwd: '/' });
    await source.modify(addContext('new'));
    assert.ok((await lstat(join(dir, '.kube', 'config'))).isSymbolicLink());
    assert.equal(await readlink(join(dir, '.kube', 'config')), '../dotfiles/kubeconfig');
    assert.equal((await stat(join(dir, 'dotfiles', 'kubeconfig'))).mode & 0o777, 0o640);
    assert.deepEqual(
      parse(await readFile(join(dir, 'dotfiles', 'kubeconfig'), 'utf8')).contexts[0].name,
      'new',
    );
    await assert.rejects(stat(join(dir, '.kube', 'config.lock')), /ENOENT/);
  });

  it('creates a missing file 0600 and leaves files it did not change alone', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'b'), 'contexts: []   # spacing kept\n');
    // Neither exists but b: kubectl writes the first file that exists.
    await openKubeconfig({}, { env: { KUBECONFIG: 'a:b' }, cwd: dir }).modify(addContext('x'));
    assert.equal(parse(await readFile(join(dir, 'b'), 'utf8')).contexts[0].name, 'x');
    await openKubeconfig({}, { env: { KUBECONFIG: 'a:c' }, cwd: dir }).modify(addContext('y'));
    assert.equal(
      (await stat(join(dir, 'c'))).mode & 0o777,
      0o600,
      'none exists: the last file, created 0600',
    );
    await assert.rejects(stat(join(dir, 'a')), /ENOENT/);
    const unchanged = await stat(join(dir, 'b'));
    await openKubeconfig({}, { env: { KUBECONFIG: 'b' }, cwd: dir }).modify(() => undefined);
    assert.equal((await stat(join(dir, 'b'))).mtimeMs, unchanged.mtimeMs);
  });

  it('writes nothing when the edit fails, and releases the lock', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'config'), 'contexts: []\n');
    const source = openKubeconfig({ kubeconfig: 'config' }, { env: {}, cwd: dir });
    await assert.rejects(
      source.modify((edit) => {
        addContext('half')(edit);
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal(await readFile(join(dir, 'config'), 'utf8'), 'contexts: []\n');
    await assert.rejects(stat(join(dir, 'config.lock')), /ENOENT/);
  });

  it('respects a lock held by kubectl: gives up after its timeout, or waits for it to go', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'config.lock'), '');
    const impatient = openKubeconfig({ kubeconfig: 'config' }, { env: {}, cwd: dir }, { lockTimeoutMs: 0 });
    await assert.rejects(
      impatient.modify(addContext('no')),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'config.locked' &&
        (error.hint ?? '').includes(join(dir, 'config.lock')),
    );
    assert.equal(await readFile(join(dir, 'config.lock'), 'utf8'), '', 'a lock kentra did not take stays');
    const patient = openKubeconfig(
      { kubeconfig: 'config' },
      { env: {}, cwd: dir },
      { lockTimeoutMs: 60_000 },
    );
    const written = patient.modify(addContext('after-the-lock'));
    await rm(join(dir, 'config.lock'));
    await written;
    assert.equal(parse(await readFile(join(dir, 'config'), 'utf8')).contexts[0].name, 'after-the-lock');
  });
});
