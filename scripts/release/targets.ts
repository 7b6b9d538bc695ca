/**
 * The platforms kentra ships a single-file executable for, and each one's name in
 * the places that need it: Bun's compiler, the file name, Go's GOOS/GOARCH (krew's
 * platform selector) and Homebrew's / winget's architecture words.
 *
 * x64 targets use Bun's "baseline" build: the default x64 runtime needs AVX2 and
 * dies with "Illegal instruction" on older CPUs and some virtual machines
 * (bun docs: bundler/executables, "-baseline"). Start-up time is the same
 * (bench/get-token.ts runs the host binary, which is a baseline build).
 */
export interface ReleaseTarget {
  /** `--target` for `bun build --compile`. */
  readonly bun: string;
  /** os-arch as it appears in the file name: kentra-linux-x64, kentra-windows-x64.exe. */
  readonly os: 'linux' | 'darwin' | 'windows';
  readonly arch: 'x64' | 'arm64';
  /** Go's names, which krew's `matchLabels` use. */
  readonly goos: string;
  readonly goarch: string;
  readonly exe: '' | '.exe';
}

export const releaseTargets: readonly ReleaseTarget[] = [
  { bun: 'bun-linux-x64-baseline', os: 'linux', arch: 'x64', goos: 'linux', goarch: 'amd64', exe: '' },
  { bun: 'bun-linux-arm64', os: 'linux', arch: 'arm64', goos: 'linux', goarch: 'arm64', exe: '' },
  { bun: 'bun-darwin-arm64', os: 'darwin', arch: 'arm64', goos: 'darwin', goarch: 'arm64', exe: '' },
  { bun: 'bun-darwin-x64-baseline', os: 'darwin', arch: 'x64', goos: 'darwin', goarch: 'amd64', exe: '' },
  {
    bun: 'bun-windows-x64-baseline',
    os: 'windows',
    arch: 'x64',
    goos: 'windows',
    goarch: 'amd64',
    exe: '.exe',
  },
];

/** dist/release/<this>: kentra-linux-x64, kentra-windows-x64.exe. */
export const binaryName = (target: ReleaseTarget) => `kentra-${target.os}-${target.arch}${target.exe}`;

/** The archive krew and Homebrew download: kentra-linux-x64.tar.gz holding `kentra` (or kentra.exe). */
export const archiveName = (target: ReleaseTarget) => `kentra-${target.os}-${target.arch}.tar.gz`;

/** The target of the machine this runs on (tests and the bench run the host's binary). */
export function hostTarget(): ReleaseTarget {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const found = releaseTargets.find((target) => target.os === os && target.arch === process.arch);
  if (!found) throw new Error(`kentra ships no binary for ${process.platform}-${process.arch}`);
  return found;
}

/** The licence file every archive carries beside the executable (krew's index asks for one). */
export const licenseFile = 'LICENSE';
