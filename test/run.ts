/**
 * The test command's runner (`npm test` calls it after build, lint and
 * typecheck). It starts the shared test world once (the real control plane),
 * runs every test file with node's test runner, and stops the world again,
 * also when tests fail or the run is interrupted.
 *
 *   node --import tsx test/run.ts [FILE|FOLDER ...]   (default: all of test/)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ControlPlane, startControlPlane } from './harness/control-plane.js';
import { assertKubectlInstalled } from './harness/kubectl.js';
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

const files = testFiles(process.argv.length > 2 ? process.argv.slice(2) : [join(repoRoot, 'test')]);
const needsWorld = files.some((file) => relative(repoRoot, file).split(/[\\/]/).includes('e2e'));

let controlPlane: ControlPlane | undefined;
let worldDir: string | undefined;
const env = { ...process.env };
if (needsWorld) {
  const kubectlVersion = JSON.parse(assertKubectlInstalled()) as { clientVersion?: { gitVersion?: string } };
  console.error(`[test] kubectl ${kubectlVersion.clientVersion?.gitVersion ?? '(unknown version)'}`);
  controlPlane = await startControlPlane();
  worldDir = await mkdtemp(join(tmpdir(), 'kentra-world-'));
  const world: WorldDescriptor = { controlPlane: controlPlane.descriptor };
  const worldFile = join(worldDir, 'world.json');
  await writeFile(worldFile, JSON.stringify(world));
  env[worldEnvVar] = worldFile;
}

const cleanup = async () => {
  await controlPlane?.stop();
  if (worldDir) await rm(worldDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env, cwd: repoRoot },
);
const [code] = (await once(child, 'exit')) as [number | null];
await cleanup();
process.exit(code ?? 1);
