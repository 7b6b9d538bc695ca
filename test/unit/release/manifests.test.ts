import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../../scripts/release/bun-compile.js';
import {
  checkHomebrewFormula,
  checkKrewManifest,
  checkManifests,
  checkWingetManifests,
} from '../../../scripts/release/manifest-checks.js';
import {
  loadReleaseMetadata,
  packageVersion,
  placeholderRelease,
  type Release,
  renderManifests,
} from '../../../scripts/release/manifests.js';
import { releaseTargets } from '../../../scripts/release/targets.js';
import { onPath } from '../../harness/prerequisites.js';

const metadata = loadReleaseMetadata();
const version = packageVersion();

/** A release as `npm run compile` describes it: distinct checksums per file. */
function release(): Release {
  const hex = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);
  return {
    version,
    metadata,
    artifacts: releaseTargets.map((target) => ({
      target,
      binary: { file: `kentra-${target.os}-${target.arch}${target.exe}`, sha256: hex(`${target.bun}-bin`) },
      archive: { file: `kentra-${target.os}-${target.arch}.tar.gz`, sha256: hex(`${target.bun}-tgz`) },
    })),
  };
}

describe('release manifests (krew, Homebrew, winget) from deploy/release.yaml', () => {
  it('deploy/ holds exactly the renderings with zero checksums (npm run compile -- --deploy)', () => {
    for (const [path, text] of Object.entries(renderManifests(placeholderRelease(metadata, version))))
      assert.equal(readFileSync(join(repoRoot, 'deploy', path), 'utf8'), text, `deploy/${path} is stale`);
  });

  it('renders manifests that krew, Homebrew and winget accept, with the checksums in each one’s case', () => {
    const rendered = renderManifests(release());
    assert.deepEqual(checkManifests(rendered), []);
    const krew = parse(rendered['krew/entra.yaml'] ?? '') as {
      spec: {
        version: string;
        platforms: {
          selector: { matchLabels: Record<string, string> };
          sha256: string;
          bin: string;
          uri: string;
        }[];
      };
    };
    assert.equal(krew.spec.version, `v${version}`);
    assert.deepEqual(
      krew.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch} ${p.bin}`),
      [
        'linux/amd64 kentra',
        'linux/arm64 kentra',
        'darwin/arm64 kentra',
        'darwin/amd64 kentra',
        'windows/amd64 kentra.exe',
      ],
    );
    const linux = release().artifacts[0];
    assert.equal(krew.spec.platforms[0]?.sha256, linux?.archive.sha256);
    assert.match(krew.spec.platforms[0]?.uri ?? '', new RegExp(`/v${version}/kentra-linux-x64\\.tar\\.gz$`));
    const installer = parse(rendered['winget/Kentra.Kentra.installer.yaml'] ?? '') as {
      Installers: { InstallerSha256: string; InstallerUrl: string }[];
    };
    const windows = release().artifacts.find((item) => item.target.os === 'windows');
    assert.equal(installer.Installers[0]?.InstallerSha256, windows?.binary.sha256.toUpperCase());
    assert.match(installer.Installers[0]?.InstallerUrl ?? '', /kentra-windows-x64\.exe$/);
    const formula = rendered['homebrew/kentra.rb'] ?? '';
    const darwinArm = release().artifacts.find(
      (item) => item.target.os === 'darwin' && item.target.arch === 'arm64',
    );
    assert.match(
      formula,
      new RegExp(
        `on_arm do\\n {6}url ".*kentra-darwin-arm64\\.tar\\.gz"\\n {6}sha256 "${darwinArm?.archive.sha256}"`,
      ),
    );
  });

  it('the formula is Ruby that parses (ruby -c where Ruby exists) and passes the structural check', () => {
    const formula = renderManifests(release())['homebrew/kentra.rb'] ?? '';
    assert.deepEqual(checkHomebrewFormula(formula), []);
    const ruby = onPath('ruby', process.env);
    if (ruby) {
      const dir = mkdtempSync(join(tmpdir(), 'kentra-formula-'));
      try {
        writeFileSync(join(dir, 'kentra.rb'), formula);
        assert.match(execFileSync(ruby, ['-c', join(dir, 'kentra.rb')], { encoding: 'utf8' }), /Syntax OK/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('the krew check refuses what krew refuses', () => {
    const text = renderManifests(release())['krew/entra.yaml'] ?? '';
    const doc = parse(text) as { spec: { version: string; platforms: Record<string, unknown>[] } };
    const broken = structuredClone(doc);
    broken.spec.version = '0.1.0';
    (broken.spec.platforms[0] as { sha256: string }).sha256 = 'AB'.repeat(32);
    (broken.spec.platforms[4] as { bin: string }).bin = 'kentra';
    broken.spec.platforms.push(structuredClone(broken.spec.platforms[1] as Record<string, unknown>));
    assert.deepEqual(checkKrewManifest(stringify(broken), 'entra.yaml'), [
      'spec.version "0.1.0" is not semver with a leading v',
      'spec.platforms[0].sha256 is not 64 lower-case hex digits',
      'spec.platforms[4].bin must end in .exe on Windows',
      'spec.platforms[5]: linux/arm64 appears twice (only the first would be used)',
    ]);
    assert.deepEqual(checkKrewManifest(text, 'kentra.yaml'), [
      'the file is kentra.yaml, krew wants entra.yaml',
    ]);
  });

  it('the winget check refuses what the 1.6.0 schemas refuse', () => {
    const files = Object.fromEntries(
      Object.entries(renderManifests(release()))
        .filter(([path]) => path.startsWith('winget/'))
        .map(([path, text]) => [path.slice('winget/'.length), parse(text) as Record<string, unknown>]),
    );
    const installer = files['Kentra.Kentra.installer.yaml'] as { Installers: Record<string, unknown>[] };
    (installer.Installers[0] as Record<string, unknown>).Architecture = 'amd64';
    (installer.Installers[0] as Record<string, unknown>).InstallerSha256 = 'xyz';
    const locale = files['Kentra.Kentra.locale.en-US.yaml'] as Record<string, unknown>;
    delete locale.License;
    locale.ShortDescription = 'k8';
    const texts = Object.fromEntries(Object.entries(files).map(([name, doc]) => [name, stringify(doc)]));
    assert.deepEqual(checkWingetManifests(texts), [
      'Kentra.Kentra.installer.yaml: Installers[0]: Architecture "amd64" is not known',
      'Kentra.Kentra.installer.yaml: Installers[0]: InstallerSha256 is not 64 hex digits',
      'Kentra.Kentra.locale.en-US.yaml: License is required',
      'Kentra.Kentra.locale.en-US.yaml: ShortDescription must be a string of 3..256 characters',
    ]);
  });

  it('the formula check refuses an unclosed block and a desc brew audit would refuse', () => {
    const formula = renderManifests(release())['homebrew/kentra.rb'] ?? '';
    const broken = formula
      .replace(/desc ".*"/, 'desc "A tool that signs you in."')
      .replace(/\n {2}end\n\n {2}on_linux/, '\n\n  on_linux');
    assert.deepEqual(checkHomebrewFormula(broken), [
      '1 block(s) are not closed with end',
      'desc starts with an article',
      'desc ends with a full stop',
    ]);
  });
});
