/**
 * `kentra kubeconfig convert` on the documented shapes
 * (test/fixtures/kubeconfig/convert/), end to end through the CLI and the
 * kubeconfig source. The round trip loses nothing: after a conversion the
 * files hold everything they held (entries, fields, comments, order) except
 * the converted users' plugin settings, kentra reads them back, and a second
 * conversion changes nothing.
 */
import assert from 'node:assert/strict';
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { openKubeconfig } from '../../../src/adapters/kube/kubeconfig.js';
import { kubectlYaml } from '../../../src/domain/kubeconfig/shape.js';
import { convertFixtureSecrets } from '../../fixtures/kubeconfig/convert-secrets.js';
import { runCli } from '../../helpers/cli.js';

const root = await mkdtemp(join(tmpdir(), 'kentra-kubeconfig-convert-'));
after(() => rm(root, { recursive: true, force: true }));
const fixtures = ['aks-exec', 'aks-azure-auth-provider', 'kubelogin-modes', 'oidc-login'];
const fixturePath = (name: string) =>
  new URL(`../../fixtures/kubeconfig/convert/${name}.yaml`, import.meta.url);
const secrets = convertFixtureSecrets;

type Dict = Record<string, unknown>;

let cases = 0;
async function copyOf(name: string): Promise<string> {
  const dir = join(root, `case-${++cases}`);
  await mkdir(dir);
  const path = join(dir, `${name}.yaml`);
  await copyFile(fixturePath(name), path);
  return path;
}

/** The file with the plugin settings of `users` taken out (what a conversion may change). */
function withoutPlugins(text: string, users: readonly string[]): Dict {
  const config = parse(text, kubectlYaml) as Dict;
  for (const entry of (config.users as Dict[]) ?? [])
    if (users.includes(String(entry.name))) {
      const user = entry.user as Dict;
      delete user.exec;
      delete user['auth-provider'];
    }
  return config;
}

describe('kentra kubeconfig convert: the round trip loses nothing', () => {
  for (const name of fixtures)
    it(name, async () => {
      const path = await copyOf(name);
      const original = await readFile(path, 'utf8');
      const run = await runCli(['kubeconfig', 'convert', '--kubeconfig', path, '-o', 'json'], { env: {} });
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { converted: { user: string; file: string }[]; files: Dict[] };
      const converted = result.converted.map((user) => user.user);
      assert.ok(converted.length > 0);
      assert.ok(result.converted.every((user) => user.file === path));
      const text = await readFile(path, 'utf8');

      assert.deepEqual(withoutPlugins(text, converted), withoutPlugins(original, converted), 'all else kept');
      for (const comment of original.split('\n').filter((line) => line.trim().startsWith('#')))
        assert.ok(text.includes(comment.trim()), `comment kept: ${comment}`);
      const users = (parse(text, kubectlYaml) as Dict).users as Dict[];
      for (const user of users.filter((item) => converted.includes(String(item.name)))) {
        const exec = (user.user as Dict).exec as Dict;
        assert.equal(exec.command, 'kentra');
        assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
        assert.equal((exec.args as string[])[0], 'get-token');
      }
      for (const secret of secrets) {
        assert.doesNotMatch(text, new RegExp(secret), 'no secret of a converted user stays in the file');
        assert.doesNotMatch(run.stdout + run.stderr, new RegExp(secret));
      }
      await openKubeconfig({ kubeconfig: path }, { env: {}, cwd: '/' }).read();

      const again = await runCli(['kubeconfig', 'convert', '--kubeconfig', path], { env: {} });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^No user to convert\./);
      assert.equal(await readFile(path, 'utf8'), text, 'a second conversion changes nothing');
    });
});

describe('kentra kubeconfig convert', () => {
  it('--dry-run shows a unified diff with secrets redacted and writes nothing', async () => {
    const path = await copyOf('aks-azure-auth-provider');
    const original = await readFile(path, 'utf8');
    const run = await runCli(['kubeconfig', 'convert', '--kubeconfig', path, '--dry-run'], { env: {} });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await readFile(path, 'utf8'), original);
    assert.match(
      run.stdout,
      new RegExp(`^--- ${path}\\n\\+\\+\\+ ${path}\\n@@ -\\d+,\\d+ \\+\\d+,\\d+ @@\\n`),
    );
    assert.match(run.stdout, /^-\s+access-token: \(redacted\)$/m);
    assert.match(run.stdout, /^\+\s+command: kentra$/m);
    for (const secret of secrets) assert.doesNotMatch(run.stdout + run.stderr, new RegExp(secret));
    assert.match(run.stderr, /^Would convert 1 user:/);
  });

  it('changes each user in the KUBECONFIG file that holds it, through a symlink, and nothing else', async () => {
    const dir = join(root, 'multi');
    await mkdir(join(dir, 'real'), { recursive: true });
    await copyFile(fixturePath('oidc-login'), join(dir, 'real', 'oidc.yaml'));
    await symlink('real/oidc.yaml', join(dir, 'oidc'));
    await copyFile(fixturePath('aks-exec'), join(dir, 'aks'));
    const first = await readFile(join(dir, 'aks'), 'utf8');
    const run = await runCli(['kubeconfig', 'convert', '--context', 'entra-cluster', '-o', 'json'], {
      env: { KUBECONFIG: 'aks:oidc', HOME: dir },
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { converted: Dict[]; files: Dict[] };
    assert.deepEqual(
      result.converted.map((user) => [user.user, user.file, user.contexts]),
      [['oidc', join(dir, 'oidc'), ['entra-cluster']]],
    );
    assert.deepEqual(result.files, [{ path: join(dir, 'oidc'), written: true, reformattedLines: 0 }]);
    assert.equal(await readFile(join(dir, 'aks'), 'utf8'), first, 'the other file is untouched');
    assert.ok((await lstat(join(dir, 'oidc'))).isSymbolicLink());
    assert.match(await readFile(join(dir, 'real', 'oidc.yaml'), 'utf8'), /command: kentra/);
  });

  it('converts with --tenant what had none, and refuses a missing --kubeconfig', async () => {
    const path = await copyOf('kubelogin-modes');
    const run = await runCli(
      ['kubeconfig', 'convert', '--kubeconfig', path, '--context', 'msi', '--tenant', 'contoso.example'],
      { env: {} },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /msi .*\n\s+kubelogin -l msi {2}-> {2}kentra get-token --login msi\n/);
    assert.doesNotMatch(run.stdout, /gap:/, 'msi has its --login now');
    const missing = await runCli(['kubeconfig', 'convert', '--kubeconfig', join(root, 'nope')], { env: {} });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no kubeconfig to convert: .*nope does not exist/);
    await writeFile(join(root, 'plain.yaml'), 'users: [{name: u, user: {token: x}}]\n');
    const plain = await runCli(['kubeconfig', 'convert', '--kubeconfig', join(root, 'plain.yaml')], {
      env: {},
    });
    assert.equal(plain.stdout, 'No user to convert.\n');
  });
});
