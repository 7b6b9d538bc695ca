/**
 * The release manifests, all rendered from one release description: the
 * metadata in deploy/release.yaml, the version in package.json, and the built
 * files with their SHA-256 (scripts/compile.ts).
 *
 * - krew (`kubectl krew install entra`): one archive per platform, selected by
 *   Go's os/arch labels; krew checks the archive's sha256 (lower-case hex) and
 *   links `kubectl-entra` to the binary inside (kubernetes-sigs/krew
 *   site/content/docs/developer-guide/plugin-manifest.md, internal/index/validation).
 * - Homebrew: a formula with an archive per macOS/Linux and arm/intel; it installs
 *   `kentra` and the `kubectl-entra` link kubectl's plugin lookup finds.
 * - winget: the three-file manifest (version, installer, defaultLocale, schema
 *   1.6.0) with the Windows executable as a portable installer (sha256 in upper case,
 *   as winget-pkgs writes it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from './bun-compile.js';
import { archiveName, binaryName, licenseFile, type ReleaseTarget, releaseTargets } from './targets.js';

export interface ReleaseMetadata {
  name: string;
  krewName: string;
  packageIdentifier: string;
  publisher: string;
  license: string;
  homepage: string;
  /** With {version} and {file}. */
  downloadUrl: string;
  summary: string;
  description: string;
  caveats: string;
}

export interface ReleaseFile {
  file: string;
  sha256: string;
}

export interface Artifact {
  target: ReleaseTarget;
  /** The bare executable (winget installs it as is). */
  binary: ReleaseFile;
  /** The same executable in a .tar.gz (krew and Homebrew). */
  archive: ReleaseFile;
}

export interface Release {
  version: string;
  metadata: ReleaseMetadata;
  artifacts: readonly Artifact[];
}

export const wingetManifestVersion = '1.6.0';

export function loadReleaseMetadata(path = join(repoRoot, 'deploy/release.yaml')): ReleaseMetadata {
  const value = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const fields = [
    'name',
    'krewName',
    'packageIdentifier',
    'publisher',
    'license',
    'homepage',
    'downloadUrl',
    'summary',
    'description',
    'caveats',
  ] as const;
  for (const field of fields)
    if (typeof value[field] !== 'string' || value[field] === '')
      throw new Error(`${path}: ${field} must be a non-empty string`);
  return value as unknown as ReleaseMetadata;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function downloadUrl(release: Release, file: string): string {
  return release.metadata.downloadUrl.replaceAll('{version}', release.version).replaceAll('{file}', file);
}

/** The executable's name inside the archives: kentra, kentra.exe. */
export const executableInArchive = (metadata: ReleaseMetadata, target: ReleaseTarget) =>
  `${metadata.name}${target.exe}`;

export function renderKrewManifest(release: Release): string {
  const { metadata } = release;
  const manifest = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: metadata.krewName },
    spec: {
      version: `v${release.version}`,
      homepage: metadata.homepage,
      shortDescription: metadata.summary,
      description: metadata.description,
      caveats: metadata.caveats,
      platforms: release.artifacts.map(({ target, archive }) => ({
        selector: { matchLabels: { os: target.goos, arch: target.goarch } },
        uri: downloadUrl(release, archive.file),
        sha256: archive.sha256.toLowerCase(),
        files: [
          { from: executableInArchive(metadata, target), to: '.' },
          { from: licenseFile, to: '.' },
        ],
        bin: executableInArchive(metadata, target),
      })),
    },
  };
  return `# Rendered by \`npm run compile\` from deploy/release.yaml (scripts/release/manifests.ts).\n${stringify(manifest, { lineWidth: 0 })}`;
}

const rubyString = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function renderHomebrewFormula(release: Release): string {
  const { metadata } = release;
  const block = (os: ReleaseTarget['os'], arch: ReleaseTarget['arch']) => {
    const artifact = release.artifacts.find((item) => item.target.os === os && item.target.arch === arch);
    if (!artifact) throw new Error(`no ${os}-${arch} artifact for the Homebrew formula`);
    return [
      `    ${arch === 'arm64' ? 'on_arm' : 'on_intel'} do`,
      `      url ${rubyString(downloadUrl(release, artifact.archive.file))}`,
      `      sha256 ${rubyString(artifact.archive.sha256.toLowerCase())}`,
      '    end',
    ];
  };
  const className = metadata.name.charAt(0).toUpperCase() + metadata.name.slice(1);
  return [
    '# Rendered by `npm run compile` from deploy/release.yaml (scripts/release/manifests.ts).',
    `class ${className} < Formula`,
    `  desc ${rubyString(metadata.summary)}`,
    `  homepage ${rubyString(metadata.homepage)}`,
    `  version ${rubyString(release.version)}`,
    `  license ${rubyString(metadata.license)}`,
    '',
    '  on_macos do',
    ...block('darwin', 'arm64'),
    ...block('darwin', 'x64'),
    '  end',
    '',
    '  on_linux do',
    ...block('linux', 'arm64'),
    ...block('linux', 'x64'),
    '  end',
    '',
    '  def install',
    `    bin.install ${rubyString(metadata.name)}`,
    '    # kubectl runs `kubectl-entra` for `kubectl entra`.',
    `    bin.install_symlink ${rubyString(metadata.name)} => ${rubyString(`kubectl-${metadata.krewName}`)}`,
    '  end',
    '',
    '  def caveats',
    '    <<~EOS',
    ...metadata.caveats
      .trimEnd()
      .split('\n')
      .map((line) => `      ${line}`.trimEnd()),
    '    EOS',
    '  end',
    '',
    '  test do',
    `    assert_match version.to_s, shell_output("#{bin}/${metadata.name} --version")`,
    '  end',
    'end',
    '',
  ].join('\n');
}

/** File name -> content: the version, installer and default-locale manifests. */
export function renderWingetManifests(release: Release): Record<string, string> {
  const { metadata } = release;
  const windows = release.artifacts.filter((item) => item.target.os === 'windows');
  if (windows.length === 0) throw new Error('no Windows artifact for the winget manifest');
  const common = { PackageIdentifier: metadata.packageIdentifier, PackageVersion: release.version };
  const document = (schema: string, body: Record<string, unknown>) =>
    `# yaml-language-server: $schema=https://aka.ms/winget-manifest.${schema}.${wingetManifestVersion}.schema.json\n` +
    '# Rendered by `npm run compile` from deploy/release.yaml (scripts/release/manifests.ts).\n' +
    stringify({ ...common, ...body, ManifestVersion: wingetManifestVersion }, { lineWidth: 0 });
  const id = metadata.packageIdentifier;
  return {
    [`${id}.yaml`]: document('version', { DefaultLocale: 'en-US', ManifestType: 'version' }),
    [`${id}.installer.yaml`]: document('installer', {
      InstallerType: 'portable',
      Commands: [metadata.name],
      Installers: windows.map(({ target, binary }) => ({
        Architecture: target.arch,
        InstallerUrl: downloadUrl(release, binary.file),
        InstallerSha256: binary.sha256.toUpperCase(),
      })),
      ManifestType: 'installer',
    }),
    [`${id}.locale.en-US.yaml`]: document('defaultLocale', {
      PackageLocale: 'en-US',
      Publisher: metadata.publisher,
      PackageName: metadata.name,
      PackageUrl: metadata.homepage,
      License: metadata.license,
      ShortDescription: metadata.summary,
      Description: metadata.description.trimEnd(),
      Moniker: metadata.name,
      Tags: ['kubernetes', 'kubectl', 'entra-id', 'azure', 'oidc'],
      ManifestType: 'defaultLocale',
    }),
  };
}

/** The release as deploy/ shows it: real names and URLs, zero checksums. */
export function placeholderRelease(metadata: ReleaseMetadata, version: string): Release {
  const zero = '0'.repeat(64);
  return {
    version,
    metadata,
    artifacts: releaseTargets.map((target) => ({
      target,
      binary: { file: binaryName(target), sha256: zero },
      archive: { file: archiveName(target), sha256: zero },
    })),
  };
}

/** Every manifest, by its path under deploy/ (and under dist/release/ for a real release). */
export function renderManifests(release: Release): Record<string, string> {
  const winget = Object.entries(renderWingetManifests(release)).map(
    ([name, text]) => [`winget/${name}`, text] as const,
  );
  return {
    [`krew/${release.metadata.krewName}.yaml`]: renderKrewManifest(release),
    [`homebrew/${release.metadata.name}.rb`]: renderHomebrewFormula(release),
    ...Object.fromEntries(winget),
  };
}
