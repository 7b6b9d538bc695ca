/**
 * A Go program built from a published module at a pinned version through the Go
 * module proxy, into the per-machine cache (~/.cache/kentra, never the
 * repository), and reused after that: krew for the krew e2e test,
 * int128/kubelogin for bench/get-token.ts.
 *
 * `go install MODULE@VERSION` needs the proxy's version list (for deprecation
 * notices), which some mirrors refuse; downloading the one version and building
 * in its folder does not. The module's own go.sum verifies every dependency;
 * only the module's zip skips the checksum database (GONOSUMDB names it alone),
 * which mirrors without /sumdb/ cannot answer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface GoProgram {
  /** e.g. sigs.k8s.io/krew */
  module: string;
  /** e.g. v0.4.3 */
  version: string;
  /** The main package inside the module, e.g. ./cmd/krew */
  pkg: string;
  /** The executable's file name, e.g. kubectl-krew */
  name: string;
  /** Folder under ~/.cache/kentra (KENTRA_CACHE_DIR), e.g. tools */
  cacheFolder: string;
  /** -ldflags, e.g. to stamp the version */
  ldflags?: string;
}

/** The path of the built program; builds it (a minute or so) the first time. */
export async function goModuleBinary(
  program: GoProgram,
  log: (line: string) => void = () => {},
): Promise<string> {
  const root = process.env.KENTRA_CACHE_DIR ?? join(homedir(), '.cache/kentra');
  const dir = join(root, program.cacheFolder, `${program.name}-${program.version}`);
  const exe = join(dir, program.name);
  if (existsSync(join(dir, '.complete'))) return exe;
  await mkdir(dir, { recursive: true });
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GONOSUMDB: program.module,
  };
  const started = Date.now();
  log(`building ${program.module}@${program.version} into ${dir} (once) ...`);
  const { stdout } = await exec('go', ['mod', 'download', '-json', `${program.module}@${program.version}`], {
    env,
  });
  const source = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!source) throw new Error(`go mod download ${program.module}@${program.version} named no folder`);
  const partial = `${exe}.${process.pid}.tmp`;
  await exec(
    'go',
    ['build', '-trimpath', '-ldflags', program.ldflags ?? '-s -w', '-o', partial, program.pkg],
    { cwd: source, env, maxBuffer: 16 * 2 ** 20 },
  );
  await rename(partial, exe);
  await writeFile(join(dir, '.complete'), '');
  log(`built ${program.name} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return exe;
}
