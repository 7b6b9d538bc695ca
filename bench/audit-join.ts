/**
 * Throughput of `kentra audit -o json` against `jq -c 'select(.user.username != null)'`
 * on the same generated audit log in the same run (budget: kentra >= jq), and
 * kentra's peak memory on a small and on the full log, and per quarter of the full run (budget: flat).
 *
 *   node --import tsx bench/audit-join.ts [--size 1GB] [--keep]
 *
 * The log is generated into a temporary folder and deleted afterwards. It is
 * realistic Metadata-level kube-apiserver output: Entra users whose requests
 * carry uti/sid extras (exact join), users without them (heuristic join),
 * service accounts and control-plane components (no join), allowed and denied.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './process-memory.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const kentraBin = join(repoRoot, 'dist/bin/kentra.js');

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  if (!match) throw new Error(`--size ${text}: use e.g. 200MB or 1GB`);
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(match[2] ?? 'B').toUpperCase() as 'B'];
  return Math.round(Number(match[1]) * unit);
}

const args = process.argv.slice(2);
const sizeArg = args.includes('--size') ? (args[args.indexOf('--size') + 1] ?? '') : '1GB';
const targetBytes = parseSize(sizeArg);
const keep = args.includes('--keep');

const users = 2000;
const signInsPerUser = 4;
const start = Date.parse('2026-11-01T00:00:00Z');
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const oidOf = (u: number) => `${hex(u, 8)}-1111-4111-8111-${hex(u * 7919, 12)}`;
const groupOf = (u: number) => `${hex(u % 40, 8)}-2222-4222-8222-000000000000`;
const ipOf = (u: number) => `198.51.${(u >> 8) & 255}.${u & 255}`;
const utiOf = (u: number, s: number) => `uti${hex(u, 6)}${hex(s, 2)}AAAAAAAAAAAAA`;
const sidOf = (u: number) => `${hex(u, 8)}-3333-4333-8333-000000000000`;
const signInTime = (u: number, s: number) => start + s * 3_600_000 + (u % 3600) * 1000;

async function writeSignIns(path: string): Promise<void> {
  const rows: string[] = [];
  for (let u = 0; u < users; u++)
    for (let s = 0; s < signInsPerUser; s++)
      rows.push(
        JSON.stringify({
          id: `${hex(u, 8)}-${hex(s, 4)}-4444-8444-000000000000`,
          createdDateTime: new Date(signInTime(u, s)).toISOString(),
          userId: oidOf(u),
          userPrincipalName: `user${u}@contoso.example`,
          userDisplayName: `User ${u}`,
          userType: u % 10 === 0 ? 'guest' : 'member',
          appId: '11111111-aaaa-4aaa-8aaa-111111111111',
          appDisplayName: 'kentra',
          ipAddress: ipOf(u),
          uniqueTokenIdentifier: utiOf(u, s),
          sessionId: sidOf(u),
          isInteractive: s === 0,
          status: { errorCode: 0 },
          location: { city: 'Oslo', state: 'Oslo', countryOrRegion: 'NO' },
          authenticationRequirement: 'multiFactorAuthentication',
          conditionalAccessStatus: 'success',
        }),
      );
  await writeFile(path, `${rows.join('\n')}\n`);
}

const resources = ['pods', 'configmaps', 'deployments', 'services', 'secrets', 'events', 'leases'];
const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function event(i: number): string {
  const time = new Date(start + Math.floor(i / 40) * 1000 + 1000).toISOString().replace('Z', '123Z');
  const resource = resources[i % resources.length] as string;
  const verb = verbs[(i >> 3) % verbs.length] as string;
  const namespace = `team-${i % 17}`;
  const kind = i % 10;
  let user: Record<string, unknown>;
  let sourceIp = '10.0.0.1';
  let reason =
    'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"';
  if (kind < 6) {
    const u = i % users;
    const s = Math.min(signInsPerUser - 1, Math.floor((Date.parse(time) - start) / 3_600_000));
    user = {
      username: `entra:${oidOf(u)}`,
      uid: oidOf(u),
      groups: [`entra:${groupOf(u)}`, 'system:authenticated'],
      extra:
        kind < 5
          ? { 'kentra.dev/uti': [utiOf(u, s)], 'kentra.dev/sid': [sidOf(u)] }
          : { 'kentra.dev/oid': [oidOf(u)] },
    };
    sourceIp = ipOf(u);
    reason = `RBAC: allowed by RoleBinding "developers/${namespace}" of ClusterRole "edit" to Group "entra:${groupOf(u)}"`;
  } else if (kind < 8) {
    user = {
      username: `system:serviceaccount:${namespace}:builder`,
      uid: '5b1c1d1e-0000-4000-8000-000000000000',
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': ['JTI=6f1e2c3d-0000-4000-8000-000000000000'] },
    };
  } else {
    user = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
  }
  const denied = i % 23 === 0;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `${hex(i, 8)}-aaaa-4bbb-8ccc-${hex(i * 31, 12)}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${namespace}/${resource}${verb === 'list' ? '' : `/item-${i % 1000}`}`,
    verb,
    user,
    sourceIPs: [sourceIp],
    userAgent: 'kubectl/v1.36.3 (linux/amd64) kubernetes/abcdef0',
    objectRef: {
      resource,
      namespace,
      name: verb === 'list' ? undefined : `item-${i % 1000}`,
      apiVersion: 'v1',
    },
    responseStatus: denied
      ? { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 }
      : { metadata: {}, code: 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: denied
      ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' }
      : { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': reason },
  });
}

async function writeAuditLog(path: string, bytes: number): Promise<number> {
  const handle = await open(path, 'w');
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < 4 << 20 && written + size < bytes) {
      const line = `${event(i++)}\n`;
      lines.push(line);
      size += line.length;
    }
    await handle.write(lines.join(''));
    written += size;
  }
  await handle.close();
  return written;
}

async function main(): Promise<void> {
  if (!existsSync(kentraBin)) throw new Error('dist/bin/kentra.js is missing: run `npm run build` first');
  const dir = await mkdtemp(join(tmpdir(), 'kentra-bench-audit-'));
  try {
    const signIns = join(dir, 'signins.jsonl');
    const small = join(dir, 'audit-small.log');
    const full = join(dir, 'audit.log');
    await writeSignIns(signIns);
    process.stderr.write(`generating ${sizeArg} audit log in ${dir} ...\n`);
    await writeAuditLog(small, Math.max(1e6, Math.floor(targetBytes / 16)));
    const bytes = await writeAuditLog(full, targetBytes);
    const mb = bytes / 1e6;
    process.stderr.write(`generated ${mb.toFixed(0)} MB (${(await stat(full)).size} bytes); measuring ...\n`);

    const kentraArgs = (log: string) => [
      kentraBin,
      'audit',
      '--k8s-audit',
      log,
      '--signins',
      signIns,
      '-o',
      'json',
    ];
    const jq = await measure('jq', ['-c', 'select(.user.username != null)', full]);
    const kentra = await measure(process.execPath, kentraArgs(full));
    const kentraSmall = await measure(process.execPath, kentraArgs(small));
    if (jq.status !== 0 || kentra.status !== 0 || kentraSmall.status !== 0)
      throw new Error('a measured command failed');

    const jqRate = mb / jq.seconds;
    const kentraRate = mb / kentra.seconds;
    const ratio = kentraRate / jqRate;
    const fmt = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(0));
    console.log(`audit log: ${mb.toFixed(0)} MB, ${signInsPerUser * users} sign-ins`);
    console.log(
      `jq -c 'select(.user.username != null)': ${jq.seconds.toFixed(2)} s, ${jqRate.toFixed(1)} MB/s`,
    );
    console.log(
      `kentra audit -o json:                    ${kentra.seconds.toFixed(2)} s, ${kentraRate.toFixed(1)} MB/s`,
    );
    console.log(`ratio kentra/jq: ${ratio.toFixed(2)} (budget >= 1.00) ${ratio >= 1 ? 'OK' : 'OVER BUDGET'}`);
    console.log(
      `kentra peak RSS: ${fmt(kentraSmall.peakRssMb)} MB on ${(mb / 16).toFixed(0)} MB, ${fmt(kentra.peakRssMb)} MB on ${mb.toFixed(0)} MB`,
    );
    console.log(
      `kentra RSS per quarter of the ${mb.toFixed(0)} MB run (max sampled): ${kentra.quarterPeaksMb.map(fmt).join(' / ')} MB`,
    );
    if (ratio < 1) process.exitCode = 1;
  } finally {
    if (keep) process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
