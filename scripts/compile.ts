/**
 * `npm run compile`: kentra as a single-file executable for every platform it
 * ships on (scripts/release/targets.ts), built with the pinned Bun's compiler
 * (scripts/release/bun-compile.ts), plus what the package managers download:
 *
 *   dist/release/kentra-<os>-<arch>[.exe]       the executables
 *   dist/release/kentra-<os>-<arch>.tar.gz      the same, packed for krew and Homebrew
 *   dist/release/SHA256SUMS                     `sha256sum -c` format
 *   dist/release/{krew,homebrew,winget}/…       manifests with these checksums
 *
 *   npm run compile                 everything above
 *   npm run compile -- --host       only this machine's executable (the webhook image's build stage)
 *   npm run compile -- --deploy     only re-render deploy/{krew,homebrew,winget} (zero checksums)
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { archiveExecutable, sha256File } from './release/archive.js';
import { compileKentra, repoRoot } from './release/bun-compile.js';
import { checkManifests } from './release/manifest-checks.js';
import {
  type Artifact,
  executableInArchive,
  loadReleaseMetadata,
  packageVersion,
  placeholderRelease,
  type Release,
  renderManifests,
} from './release/manifests.js';
import { archiveName, binaryName, hostTarget, releaseTargets } from './release/targets.js';

const { values } = parseArgs({
  options: { deploy: { type: 'boolean', default: false }, host: { type: 'boolean', default: false } },
});
const version = packageVersion();

async function writeManifests(release: Release, folder: string): Promise<void> {
  const rendered = renderManifests(release);
  const problems = checkManifests(rendered);
  if (problems.length > 0)
    throw new Error(`the rendered manifests would be refused:\n  ${problems.join('\n  ')}`);
  for (const [path, text] of Object.entries(rendered)) {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), text);
  }
}

const out = join(repoRoot, 'dist/release');
if (values.host) {
  // Only the executable: the webhook image's build stage copies src/ and scripts/, not deploy/.
  const target = hostTarget();
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await compileKentra(target.bun, join(out, binaryName(target)));
  console.log(`dist/release/${binaryName(target)} (${target.bun})`);
  process.exit(0);
}

const metadata = loadReleaseMetadata();
if (values.deploy) {
  // The committed copies: the same renderings with zero checksums (test/unit/release keeps them equal).
  await writeManifests(placeholderRelease(metadata, version), join(repoRoot, 'deploy'));
  console.log('rendered deploy/krew, deploy/homebrew, deploy/winget');
  process.exit(0);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const started = Date.now();
const artifacts: Artifact[] = [];
for (const target of releaseTargets) {
  const binary = binaryName(target);
  await compileKentra(target.bun, join(out, binary));
  const archive = archiveName(target);
  await archiveExecutable(join(out, binary), executableInArchive(metadata, target), join(out, archive));
  artifacts.push({
    target,
    binary: { file: binary, sha256: await sha256File(join(out, binary)) },
    archive: { file: archive, sha256: await sha256File(join(out, archive)) },
  });
  const size = (await stat(join(out, binary))).size / 2 ** 20;
  console.log(`  ${binary.padEnd(28)} ${size.toFixed(1).padStart(6)} MiB  (${target.bun})`);
}
const sums = artifacts
  .flatMap(({ binary, archive }) => [binary, archive])
  .sort((a, b) => a.file.localeCompare(b.file))
  .map(({ file, sha256 }) => `${sha256}  ${file}\n`)
  .join('');
await writeFile(join(out, 'SHA256SUMS'), sums);
await writeManifests({ version, metadata, artifacts }, out);
console.log(
  `kentra ${version}: ${artifacts.length} executables, archives, SHA256SUMS and manifests in dist/release ` +
    `(${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
