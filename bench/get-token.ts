/**
 * The cache-hit budget of `kentra get-token` (DESIGN.md: median wall time ≤ 1.25 ×
 * `node -e 0`, measured in the same run). kubectl runs the plugin at least once
 * per command, so this is the cost every `kubectl get pods` pays.
 *
 *   npm run build && node --import tsx bench/get-token.ts [--runs 30]
 *
 * It seeds a valid cache entry in a temporary KUBECACHEDIR, then runs
 * `node -e 0` and `node dist/bin/kentra.js get-token …` interleaved (so machine
 * load hits both alike) and prints the medians and their ratio. When
 * int128/kubelogin can be built with the Go toolchain (into
 * ~/.cache/kentra/peers, never into the repository), its cache-hit time is
 * measured in the same run as a peer figure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TokenCacheStore } from '../src/adapters/token-cache/store.js';
import { cacheKeyFor } from '../src/usecases/cache-key.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const kentra = join(repoRoot, 'dist/bin/kentra.js');
if (!existsSync(kentra)) throw new Error('dist/bin/kentra.js is missing: run `npm run build` first');

const work = await mkdtemp(join(tmpdir(), 'kentra-bench-'));
const issuer = 'https://login.microsoftonline.com/00000000-0000-0000-0000-00000000b3c4/v2.0';
const clientId = '11111111-2222-3333-4444-555555555555';
const now = Date.now();
const token = unsignedLookingJwt({ iss: issuer, aud: clientId, exp: Math.floor(now / 1000) + 3600 });

// kentra: a valid entry, written through the same store the product uses.
const settings = {
  authorityHost: 'https://login.microsoftonline.com',
  tenant: '00000000-0000-0000-0000-00000000b3c4',
  clientId,
  tokenType: 'id' as const,
  scopes: [],
  grantType: 'auto' as const,
};
await new TokenCacheStore(join(work, 'kentra')).write({
  version: 1,
  key: cacheKeyFor(settings, 'authcode'),
  token,
  obtainedAt: now,
  expiresAt: now + 3_600_000,
});
const kentraArgs = [kentra, 'get-token', '--tenant', settings.tenant, '--client-id', clientId];
const env = {
  ...process.env,
  KUBECACHEDIR: work,
  KUBERNETES_EXEC_INFO:
    '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}',
};

// The structure that makes the hit fast: the executable is one CommonJS file that requires only
// node builtins; everything else (commander, MSAL, the chunks) comes through ../cli/main.js, which
// is imported only when the cache cannot answer.
const entry = readFileSync(kentra, 'utf8');
const loads = [...entry.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
const foreign = loads.filter((spec) => !spec.startsWith('node:') && spec !== '../cli/main.js');
if (foreign.length > 0)
  throw new Error(`dist/bin/kentra.js loads ${foreign.join(', ')}: the cache hit would pay for it`);

// Sanity: the measured command must really be a cache hit that prints the token.
const probe = spawnSync(process.execPath, kentraArgs, { env, encoding: 'utf8' });
if (probe.status !== 0 || !probe.stdout.includes(token))
  throw new Error(`kentra get-token did not answer from the cache: ${probe.stderr}`);

let peerSkipReason = '';
const peer = await preparePeer();
const samples: Record<string, number[]> = { 'node -e 0': [], 'kentra get-token': [] };
if (peer) samples[peer.name] = [];
for (let i = 0; i < runs; i++) {
  samples['node -e 0']?.push(time(process.execPath, ['-e', '0'], env));
  samples['kentra get-token']?.push(time(process.execPath, kentraArgs, env));
  if (peer) samples[peer.name]?.push(time(peer.command, peer.args, env));
}

const baseline = median(samples['node -e 0'] ?? []);
console.log(`cache-hit wall time, median of ${runs} interleaved runs (${new Date().toISOString()}):`);
for (const [name, list] of Object.entries(samples))
  console.log(
    `  ${name.padEnd(28)} ${median(list).toFixed(1).padStart(7)} ms   ratio ${(median(list) / baseline).toFixed(2)}x`,
  );
const ratio = median(samples['kentra get-token'] ?? []) / baseline;
console.log(
  `kentra get-token / node -e 0 = ${ratio.toFixed(2)} (budget 1.25) ${ratio <= 1.25 ? 'OK' : 'OVER BUDGET'}`,
);
// Load on a shared machine drifts during a run; the ratio within each interleaved pair is steadier.
const pairs = (samples['kentra get-token'] ?? []).map((ms, i) => ms / (samples['node -e 0']?.[i] ?? ms));
console.log(`  (median of the ${runs} per-pair ratios: ${median(pairs).toFixed(2)})`);
if (!peer) console.log(`peer int128/kubelogin: skipped (${peerSkipReason})`);
await rm(work, { recursive: true, force: true });

function time(command: string, args: string[], environment: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A JWT-shaped token; kubelogin decodes (without verifying) `exp` on its cache-hit path. */
function unsignedLookingJwt(claims: Record<string, unknown>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const input = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** Builds int128/kubelogin once into ~/.cache/kentra/peers and seeds its token cache for the same token. */
async function preparePeer(): Promise<{ name: string; command: string; args: string[] } | undefined> {
  const version = 'v1.36.3';
  const bin = join(homedir(), '.cache/kentra/peers', `kubelogin-${version}`);
  const exe = join(bin, 'kubelogin');
  if (!existsSync(exe)) {
    try {
      execFileSync('go', ['version'], { stdio: 'ignore' });
    } catch {
      peerSkipReason = 'no Go toolchain on PATH';
      return undefined;
    }
    await mkdir(bin, { recursive: true });
    console.log(`building int128/kubelogin ${version} into ${bin} (once)…`);
    // `go install MODULE@VERSION` needs the proxy's version list (for deprecation notices), which
    // some mirrors refuse; downloading the one version and installing from its folder does not.
    // The module's own go.sum verifies every dependency; only kubelogin's zip skips the checksum
    // database (GONOSUMDB names it alone), which mirrors without /sumdb/ cannot answer.
    const goEnv = {
      ...process.env,
      GOBIN: bin,
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GONOSUMDB: 'github.com/int128/kubelogin',
    };
    const download = spawnSync('go', ['mod', 'download', '-json', `github.com/int128/kubelogin@${version}`], {
      env: goEnv,
      encoding: 'utf8',
    });
    const dir = download.status === 0 ? (JSON.parse(download.stdout) as { Dir?: string }).Dir : undefined;
    const built = dir
      ? spawnSync('go', ['install', '.'], { cwd: dir, env: goEnv, encoding: 'utf8' })
      : download;
    if (built.status !== 0 || !existsSync(exe)) {
      peerSkipReason = `building github.com/int128/kubelogin@${version} failed: ${`${built.stderr}${built.stdout}`.trim().split('\n').slice(-1)[0]}`;
      return undefined;
    }
  }
  const cacheDir = join(work, 'oidc-login');
  const args = [
    'get-token',
    `--oidc-issuer-url=${issuer}`,
    `--oidc-client-id=${clientId}`,
    `--token-cache-dir=${cacheDir}`,
  ];
  // kubelogin's cache file name is a hash of its settings; rather than re-implement it, let one
  // run fail (no browser), read the name of the lock file it created, and write the entry there.
  await mkdir(cacheDir, { recursive: true });
  spawnSync(
    exe,
    [...args, '--skip-open-browser', '--authentication-timeout-sec=1', '--listen-address=127.0.0.1:0'],
    {
      env,
      stdio: 'ignore',
      timeout: 15_000,
    },
  );
  const { readdirSync } = await import('node:fs');
  const lock = readdirSync(cacheDir).find((name) => name.endsWith('.lock'));
  if (!lock) {
    peerSkipReason = "could not find kubelogin's cache key (no lock file written)";
    return undefined;
  }
  await writeFile(join(cacheDir, lock.replace(/\.lock$/, '')), JSON.stringify({ id_token: token }), {
    mode: 0o600,
  });
  const check = spawnSync(exe, args, { env, encoding: 'utf8' });
  if (check.status !== 0 || !check.stdout.includes(token)) {
    peerSkipReason = `kubelogin did not answer from its cache: ${check.stderr.trim().split('\n')[0]}`;
    return undefined;
  }
  return { name: `int128/kubelogin ${version}`, command: exe, args };
}
