/**
 * The test command's runner (`npm test` calls it after build, lint and
 * typecheck). When end-to-end files are selected it first finds what they need
 * (test/harness/prerequisites.ts: Chromium, redis-server, jq, kubectl, Go) and
 * stops within seconds if something cannot be provided; then it starts the
 * shared test world once (the real control plane), runs every test file with
 * node's test runner, and stops the world again, also when tests fail or the
 * run is interrupted.
 *
 * Files that run kentra through test/harness/kentra-command.ts run twice: once
 * against the Node entry and once against the compiled executable for this
 * machine (built here on demand, reused while the sources are unchanged).
 *
 *   node --import tsx test/run.ts [FILE|FOLDER ...]   (default: all of test/)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hostBinary } from '../scripts/release/host-binary.js';
import { type ControlPlane, startControlPlane } from './harness/control-plane.js';
import { binaryEnvVar, commandEnvVar } from './harness/kentra-command.js';
import { ensurePrerequisites } from './harness/prerequisites.js';
import { type WorldDescriptor, worldEnvVar } from './harness/world.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

function testFiles(targets: readonly string[]): string[] {
  const found: string[] = [];
  for (const target of targets) {
    if (statSync(target).isFile()) found.push(target);
    else
      for (const entry of readdirSync(target, { recursive: true, encoding: 'utf8' }))
        if (entry.endsWith('.test.ts')) found.push(join(target, entry));
  }
  return found.sort();
}

/**
 * A file that runs kentra through the command harness, directly or through a
 * harness module that does (test/harness/*.ts importing ./kentra-command.js), is
 * run once per command.
 */
function runsKentraCommand(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  if (text.includes("/harness/kentra-command.js'")) return true;
  return [...text.matchAll(/from '\.\.\/harness\/([\w-]+)\.js'/g)].some(([, name]) => {
    const harness = join(repoRoot, 'test/harness', `${name}.ts`);
    return existsSync(harness) && readFileSync(harness, 'utf8').includes("from './kentra-command.js'");
  });
}

const files = testFiles(process.argv.length > 2 ? process.argv.slice(2) : [join(repoRoot, 'test')]);
const needsWorld = files.some((file) => relative(repoRoot, file).split(/[\\/]/).includes('e2e'));
const twice = files.filter(runsKentraCommand);

const runDir = await mkdtemp(join(tmpdir(), 'kentra-test-run-'));
let controlPlane: ControlPlane | undefined;
const env = { ...process.env };
const cleanup = async () => {
  await controlPlane?.stop();
  await rm(runDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

if (needsWorld) {
  const prerequisites = await ensurePrerequisites({
    env: process.env,
    isRoot: process.getuid?.() === 0,
    log: (line) => console.error(line),
  });
  if (!prerequisites.ok) {
    await cleanup();
    process.exit(1);
  }
  Object.assign(env, prerequisites.env);
}

// The second run of each such file is a two-line wrapper that selects the binary and imports it.
const wrappers: string[] = [];
if (twice.length > 0) {
  env[binaryEnvVar] = await hostBinary((line) => console.error(`[test] ${line}`));
  console.error(`[test] ${twice.length} file(s) run against the Node entry and against ${env[binaryEnvVar]}`);
  for (const file of twice) {
    // .mts: outside the repository no package.json says "module", and the wrapper awaits at top level.
    const wrapper = join(runDir, 'binary', relative(repoRoot, file)).replace(/\.ts$/, '.mts');
    await mkdir(dirname(wrapper), { recursive: true });
    await writeFile(
      wrapper,
      `process.env.${commandEnvVar} = 'binary';\nawait import(${JSON.stringify(pathToFileURL(file).href)});\n`,
    );
    wrappers.push(wrapper);
  }
}

if (needsWorld) {
  controlPlane = await startControlPlane();
  const world: WorldDescriptor = { controlPlane: controlPlane.descriptor };
  const worldFile = join(runDir, 'world.json');
  await writeFile(worldFile, JSON.stringify(world));
  env[worldEnvVar] = worldFile;
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files, ...wrappers],
  { stdio: 'inherit', env, cwd: repoRoot },
);
const [code] = (await once(child, 'exit')) as [number | null];
await cleanup();
process.exit(code ?? 1);
