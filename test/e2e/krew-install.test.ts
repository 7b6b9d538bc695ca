/**
 * `kubectl entra` through krew, offline and for real: krew (built from
 * sigs.k8s.io/krew at a pinned version through the Go module proxy) validates
 * the manifest `npm run compile` renders (its own validate-krew-manifest), then
 * `kubectl krew install --manifest --archive` installs this machine's compiled
 * kentra into a temporary KREW_ROOT, checking the archive's sha256 against the
 * manifest, and `kubectl entra --version` runs it as a kubectl plugin.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveExecutable, sha256File } from '../../scripts/release/archive.js';
import { hostBinary } from '../../scripts/release/host-binary.js';
import { checkKrewManifest } from '../../scripts/release/manifest-checks.js';
import {
  executableInArchive,
  loadReleaseMetadata,
  packageVersion,
  placeholderRelease,
  type Release,
  renderKrewManifest,
} from '../../scripts/release/manifests.js';
import { archiveName, hostTarget } from '../../scripts/release/targets.js';
import { goModuleBinary } from '../harness/go-module-binary.js';
import { kubectlPath } from '../harness/kubectl.js';
import { run } from '../harness/processes.js';

const krewVersion = 'v0.4.3';
const krewProgram = (pkg: string, name: string) => ({
  module: 'sigs.k8s.io/krew',
  version: krewVersion,
  pkg,
  name,
  cacheFolder: 'tools',
  ldflags: `-s -w -X sigs.k8s.io/krew/internal/version.gitTag=${krewVersion}`,
});
const log = (line: string) => console.error(`[krew] ${line}`);

describe('kubectl entra, installed by the real krew from the rendered manifest', () => {
  let dir: string;
  let manifest: string;
  let archive: string;
  let env: NodeJS.ProcessEnv;
  let validate: string;
  const version = packageVersion();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-krew-'));
    const metadata = loadReleaseMetadata();
    const target = hostTarget();
    // This machine's executable, packed as the release packs it, with its real checksum.
    archive = join(dir, archiveName(target));
    await archiveExecutable(await hostBinary(log), executableInArchive(metadata, target), archive);
    const sha256 = await sha256File(archive);
    const placeholder = placeholderRelease(metadata, version);
    const release: Release = {
      ...placeholder,
      artifacts: placeholder.artifacts.map((artifact) =>
        artifact.target === target ? { ...artifact, archive: { ...artifact.archive, sha256 } } : artifact,
      ),
    };
    manifest = join(dir, `${metadata.krewName}.yaml`);
    await writeFile(manifest, renderKrewManifest(release));
    const [krew, validator] = await Promise.all([
      goModuleBinary(krewProgram('./cmd/krew', 'kubectl-krew'), log),
      goModuleBinary(krewProgram('./cmd/validate-krew-manifest', 'validate-krew-manifest'), log),
    ]);
    validate = validator;
    const home = join(dir, 'home');
    await mkdir(home);
    env = {
      ...process.env,
      HOME: home,
      KREW_ROOT: join(dir, 'krew-root'),
      // No background query to GitHub for a newer krew (this machine reaches no such network).
      KREW_NO_UPGRADE_CHECK: '1',
      // kubectl finds plugins on PATH: krew itself (kubectl-krew), then what krew links.
      PATH: [join(dir, 'krew-root', 'bin'), dirname(krew), process.env.PATH].join(delimiter),
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("passes krew's own validate-krew-manifest and kentra's check", async () => {
    assert.deepEqual(checkKrewManifest(await readFile(manifest, 'utf8'), 'entra.yaml'), []);
    const result = await run(validate, ['-manifest', manifest, '-skip-install'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /structural validation OK/);
    assert.match(result.stderr, /no overlapping spec\.platform\[\]\.selector/);
  });

  it('installs offline with --manifest and --archive, and `kubectl entra --version` runs the binary', async () => {
    const install = await run(
      kubectlPath,
      ['krew', 'install', `--manifest=${manifest}`, `--archive=${archive}`],
      {
        env,
      },
    );
    assert.equal(install.code, 0, `${install.stdout}\n${install.stderr}`);
    assert.match(install.stderr, /Installed plugin: entra/);
    assert.ok(existsSync(join(dir, 'krew-root', 'receipts', 'entra.yaml')), 'krew keeps a receipt');
    const entra = await run(kubectlPath, ['entra', '--version'], { env });
    assert.equal(entra.code, 0, entra.stderr);
    assert.equal(entra.stdout.trim(), version);
    const help = await run(kubectlPath, ['entra', 'get-token', '--help'], { env });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /print a token for kubectl \(exec credential plugin\)/);
  });

  it('refuses an archive whose checksum does not match the manifest', async () => {
    const other = join(dir, 'tampered.tar.gz');
    await writeFile(other, Buffer.concat([await readFile(archive), Buffer.from('tampered')]));
    const result = await run(
      kubectlPath,
      ['krew', 'install', `--manifest=${manifest}`, `--archive=${other}`],
      { env: { ...env, KREW_ROOT: join(dir, 'second-root') } },
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /checksum does not match/i);
  });
});
