/**
 * What the end-to-end tests need from the machine, found (or provided) before
 * the first test, with a one-screen summary for the CI log:
 *
 * - Chromium, redis-server, jq, python3 with venv (it installs the real Azure CLI
 *   from PyPI for the `--graph-auth azure-cli` e2e): Debian packages. As root with apt-get they are
 *   installed; otherwise the run stops at once with the exact install command.
 * - kubectl: the machine's own, else built from k8s.io/kubernetes/cmd/kubectl by
 *   tools/build-kubectl.sh (the API server's Go recipe and cache).
 * - Go: builds the control plane, kubectl and krew; the run stops naming how to
 *   install it.
 *
 * Everything is probed first and nothing slow starts while something cannot be
 * provided: a machine that lacks an uninstallable part is told so in seconds,
 * not after a kubectl build. test/prerequisites.test.ts proves that.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { run } from './processes.js';

const exec = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The Go release the tools/*\/go.mod files need (`go 1.26.0`, GOTOOLCHAIN=local). */
export const minimumGo = [1, 26] as const;

export interface Found {
  path: string;
  version: string;
}

/** A prerequisite that Debian packages (installed with apt-get as root). */
interface Packaged {
  name: string;
  purpose: string;
  aptPackage: string;
  /** An explicit path from the environment wins over PATH. */
  envVar?: string;
  commands: readonly string[];
  versionArgs: readonly string[];
  /** Arguments of a run that must exit 0 for the command to be usable (else it counts as missing). */
  usableArgs?: readonly string[];
}

const packaged: readonly Packaged[] = [
  {
    name: 'chromium',
    purpose: 'browser sign-in tests',
    aptPackage: 'chromium',
    envVar: 'KENTRA_CHROMIUM',
    commands: ['chromium', 'chromium-browser'],
    versionArgs: ['--version'],
  },
  {
    name: 'redis-server',
    purpose: "the webhook's shared state",
    aptPackage: 'redis-server',
    envVar: 'KENTRA_REDIS_SERVER',
    commands: ['redis-server'],
    versionArgs: ['--version'],
  },
  {
    name: 'jq',
    purpose: 'the audit bench baseline',
    aptPackage: 'jq',
    commands: ['jq'],
    versionArgs: ['--version'],
  },
  {
    name: 'python3',
    purpose: 'installs the Azure CLI from PyPI (3.10+ with venv)',
    aptPackage: 'python3-venv',
    commands: ['python3'],
    versionArgs: ['--version'],
    // tools/install-azure-cli.sh makes a venv; azure-cli 2.91 needs Python 3.10 or later.
    usableArgs: ['-c', 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)'],
  },
];

export interface PrerequisiteEnvironment {
  env: NodeJS.ProcessEnv;
  /** Root may install Debian packages (process.getuid() === 0). */
  isRoot: boolean;
  log: (line: string) => void;
}

export interface PrerequisiteResult {
  ok: boolean;
  /** Variables the test processes need (KENTRA_CHROMIUM, KUBECTL): where things were found. */
  env: Record<string, string>;
  /** The summary lines (also given to `log`). */
  summary: string[];
}

/** The first executable named `command` on PATH. */
export function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function versionOf(path: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await exec(path, [...args], { env, timeout: 5000 });
    const text = stdout.trim() || stderr.trim();
    // "Chromium 156.0.8078.114 built on Debian…", "Redis server v=7.0.15 sha=…", "go version go1.26.8 …"
    return /(\d+(?:\.\d+)+)/.exec(text)?.[1] ?? text.split('\n')[0] ?? '';
  } catch {
    return '(version unknown)';
  }
}

async function findPackaged(item: Packaged, env: NodeJS.ProcessEnv): Promise<Found | undefined> {
  const explicit = item.envVar ? env[item.envVar] : undefined;
  const path = explicit ?? item.commands.map((command) => onPath(command, env)).find(Boolean);
  if (!path) return undefined;
  if (item.usableArgs) {
    try {
      await exec(path, [...item.usableArgs], { env, timeout: 5000 });
    } catch {
      return undefined;
    }
  }
  return { path, version: await versionOf(path, item.versionArgs, env) };
}

async function findGo(env: NodeJS.ProcessEnv): Promise<(Found & { recent: boolean }) | undefined> {
  const path = onPath('go', env);
  if (!path) return undefined;
  const version = await versionOf(path, ['version'], env);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const recent = major > minimumGo[0] || (major === minimumGo[0] && minor >= minimumGo[1]);
  return { path, version, recent };
}

async function findKubectl(env: NodeJS.ProcessEnv): Promise<Found | undefined> {
  const path = env.KUBECTL ?? onPath('kubectl', env);
  if (!path) return undefined;
  try {
    const { stdout } = await exec(path, ['version', '--client', '-o', 'json'], { env, timeout: 10_000 });
    const version = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion;
    return { path, version: version?.gitVersion ?? '(version unknown)' };
  } catch {
    return undefined;
  }
}

/** tools/build-kubectl.sh; its progress goes straight to our stderr (it can take minutes). */
async function buildKubectl(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  const child = spawn('bash', [join(repoRoot, 'tools/build-kubectl.sh')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout };
}

const row = (name: string, value: string, path = '') =>
  `  ${name.padEnd(13)} ${value.padEnd(34)} ${path}`.trimEnd();

/**
 * Finds what the e2e tests need and provides what it may (Debian packages as
 * root, kubectl built with Go). `ok: false` means the tests cannot run; the
 * summary says what to install and how.
 */
export async function ensurePrerequisites(machine: PrerequisiteEnvironment): Promise<PrerequisiteResult> {
  const { env, log } = machine;
  const started = Date.now();
  const summary: string[] = [];
  const say = (line: string) => {
    summary.push(line);
    log(line);
  };
  const [go, kubectl, ...packages] = await Promise.all([
    findGo(env),
    findKubectl(env),
    ...packaged.map((item) => findPackaged(item, env)),
  ]);
  const missing = packaged.filter((_, index) => !packages[index]);
  const apt = onPath('apt-get', env);
  const canInstall = machine.isRoot && apt !== undefined;

  const problems: string[] = [];
  if (!go)
    problems.push(
      `Go ${minimumGo.join('.')} or later is required (it builds the test control plane, kubectl and krew): ` +
        'install it from https://go.dev/dl/ and put `go` on PATH.',
    );
  else if (!go.recent)
    problems.push(
      `Go ${go.version} is too old: the tools/ recipes need Go ${minimumGo.join('.')} or later (https://go.dev/dl/).`,
    );
  if (missing.length > 0 && !canInstall) {
    const names = missing.map((item) => item.aptPackage).join(' ');
    const why = machine.isRoot ? 'no apt-get on PATH' : 'not running as root';
    problems.push(
      `missing ${missing.map((item) => `${item.name} (${item.purpose})`).join(', ')}; not installed here (${why}).\n` +
        `    Install with:  ${machine.isRoot ? '' : 'sudo '}apt-get install -y ${names}\n` +
        '    (Debian/Ubuntu; elsewhere use your package manager, and for Chromium at another path set KENTRA_CHROMIUM)',
    );
  }

  say('[prerequisites] what the end-to-end tests need:');
  say(row('node', process.version, process.execPath));
  say(row('go', go?.version ?? 'MISSING', go?.path));
  say(row('kubectl', kubectl?.version ?? (go ? 'missing: will be built with Go' : 'MISSING'), kubectl?.path));
  packaged.forEach((item, index) => {
    const found = packages[index];
    const state = found?.version ?? (canInstall ? `missing: installing ${item.aptPackage}` : 'MISSING');
    say(row(item.name, state, found?.path));
  });
  if (problems.length > 0) {
    for (const problem of problems) say(`[prerequisites] cannot run the tests: ${problem}`);
    say(`[prerequisites] stopped after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ok: false, env: {}, summary };
  }

  const provided: Record<string, string> = {};
  if (missing.length > 0) {
    const names = missing.map((item) => item.aptPackage);
    say(`[prerequisites] apt-get install -y ${names.join(' ')}`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = await run(apt as string, ['update', '-qq'], { env: aptEnv });
    const install =
      update.code === 0
        ? await run(apt as string, ['install', '-y', '-qq', '--no-install-recommends', ...names], {
            env: aptEnv,
          })
        : update;
    if (install.code !== 0) {
      say(
        `[prerequisites] apt-get failed (${install.code}):\n${install.stderr.trim().split('\n').slice(-5).join('\n')}`,
      );
      return { ok: false, env: {}, summary };
    }
    for (const item of missing) {
      const found = await findPackaged(item, env);
      if (!found) {
        say(`[prerequisites] ${item.aptPackage} was installed but ${item.commands[0]} is not on PATH`);
        return { ok: false, env: {}, summary };
      }
      packages[packaged.indexOf(item)] = found;
      say(row(item.name, found.version, found.path));
    }
  }
  packaged.forEach((item, index) => {
    const found = packages[index];
    if (item.envVar && found) provided[item.envVar] = found.path;
  });

  if (kubectl) provided.KUBECTL = kubectl.path;
  else {
    say('[prerequisites] building kubectl with tools/build-kubectl.sh (minutes the first time)');
    const built = await buildKubectl(env);
    const path = built.stdout.trim().split('\n').pop();
    if (built.code !== 0 || !path) {
      say(`[prerequisites] building kubectl failed (exit ${built.code}); its output is above`);
      return { ok: false, env: {}, summary };
    }
    const found = await findKubectl({ ...env, KUBECTL: path });
    say(row('kubectl', found?.version ?? '(version unknown)', path));
    provided.KUBECTL = path;
  }
  say(`[prerequisites] ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ok: true, env: provided, summary };
}
